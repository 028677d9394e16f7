/** ctx4j lint: static analysis of code that uses ctx4j, and its context-flow call graph. */
@SuppressWarnings("requires-automatic") // JavaParser and picocli ship as automatic modules
module dev.ctx4j.lint {
  requires com.github.javaparser.core;
  requires com.github.javaparser.symbolsolver.core;
  requires info.picocli;
  requires dev.ctx4j.observe;

  exports dev.ctx4j.lint;

  opens dev.ctx4j.lint to
      info.picocli;
}
