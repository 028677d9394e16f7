package dev.ctx4j;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The contract text of {@link Context} says what SEMANTICS.md says: Go's "cancelling releases
 * resources; cancel as soon as the work is done" on every method that returns something to cancel,
 * and S22/S23 for {@code done()} (the same stage on a context that can end, a stage of its own on
 * one that never can).
 */
class ContextJavadocTest {
  private static String javadocOf(String declaration) throws IOException {
    String source = Files.readString(Path.of("src/main/java/dev/ctx4j/Context.java"));
    int at = source.indexOf(declaration);
    assertTrue(at > 0, "declaration not found: " + declaration);
    int start = source.lastIndexOf("/**", at);
    int end = source.lastIndexOf("*/", at);
    assertTrue(start >= 0 && end > start, "no Javadoc before " + declaration);
    return source.substring(start, end).replaceAll("\\s*\\n\\s*\\*\\s*", " ");
  }

  @Test
  void derivationsThatReturnACancellableContext_sayToCancelItAsSoonAsTheWorkIsDone()
      throws IOException {
    for (String declaration :
        new String[] {
          "CancellableContext withCancel();",
          "CancellableContext withDeadline(Instant deadline);",
          "CancellableContext withTimeout(Duration timeout);"
        }) {
      String doc = javadocOf(declaration);
      assertTrue(doc.contains("Cancelling the child releases what it holds"), declaration);
      assertTrue(doc.contains("cancel it as soon as the work running in it is done"), declaration);
    }
  }

  @Test
  void done_saysS22ForContextsThatCanEndAndS23ForThoseThatNeverCan() throws IOException {
    String doc = javadocOf("CompletionStage<Void> done();");
    assertTrue(
        doc.contains("On a context that can end, repeated calls return the same stage"), doc);
    assertTrue(doc.contains("each call returns a stage of its own that never completes"), doc);
    assertTrue(doc.contains("also a stage obtained before the cancel"), doc);
  }
}
