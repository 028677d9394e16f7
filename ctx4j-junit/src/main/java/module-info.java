/** ctx4j JUnit 5 extension: Go's goleak for contexts. */
module dev.ctx4j.junit {
  requires transitive dev.ctx4j.observe;
  requires transitive org.junit.jupiter.api;

  exports dev.ctx4j.junit;
}
