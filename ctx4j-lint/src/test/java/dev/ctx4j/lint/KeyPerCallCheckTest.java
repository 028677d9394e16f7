package dev.ctx4j.lint;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyPerCallCheckTest {
  @TempDir Path dir;

  private LintHelper lint() {
    return LintHelper.of(dir, "key-per-call");
  }

  @Test
  void keyInMethodLambdaConstructorOrInstanceField_reported() throws Exception {
    lint()
        .add(
            "a/A.java",
            """
            package a;
            import dev.ctx4j.*;
            class A {
              private final Key<String> perInstance = Key.named("i"); // BUG: key-per-call "instance field initializer"
              A() {
                Key<String> k = Key.named("c"); // BUG: key-per-call "constructor A"
              }
              String user(Context ctx) {
                return ctx.value(Key.named("user")); // BUG: key-per-call "method user"
              }
              Runnable r = () -> dev.ctx4j.Key.named("lambda"); // BUG: key-per-call "a lambda"
            }
            """)
        .expectMarked();
  }

  @Test
  void staticKeys_notReported() throws Exception {
    lint()
        .add(
            "a/A.java",
            """
            package a;
            import dev.ctx4j.Key;
            class A {
              static final Key<String> USER = Key.named("user");
              static final Key<Integer> ID;
              static {
                ID = Key.named("id");
              }
              static class Keys {
                static Keys named(String n) { return null; }
              }
              void other() {
                Keys.named("not a ctx4j key");
              }
            }
            """)
        .expectMarked();
  }

  @Test
  void suppressed_notReported() throws Exception {
    lint()
        .add(
            "a/A.java",
            """
            package a;
            import dev.ctx4j.Key;
            class A {
              @SuppressWarnings("ctx4j:key-per-call")
              static Key<String> make(String name) {
                return Key.named(name);
              }
            }
            """)
        .expectMarked();
  }
}
