package dev.ctx4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/design/API.md} lists exactly the public API of the published modules, and every
 * public type and member has a doc comment (ADR 0111). After changing a public signature,
 * regenerate the document with {@code ./ctx4j docs}, or with {@code mvn -B -ntp -q -pl ctx4j-cli
 * -am test -Dtest=ApiSummaryTest -Dsurefire.failIfNoSpecifiedTests=false -Dctx4j.api.write=true}.
 */
class ApiSummaryTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Path API_MD = ROOT.resolve("docs/design/API.md");
  static final String MARKER =
      "<!-- Generated from the sources by ApiSummaryTest (./ctx4j docs): do not edit below. -->\n";

  private static ApiSummary.Result published;

  /** The published modules' API, read once (javac over every module takes a few seconds). */
  private static synchronized ApiSummary.Result published() throws Exception {
    if (published == null) {
      published = ApiSummary.of(ROOT, BomTest.bomModules(ROOT));
    }
    return published;
  }

  @Test
  void apiMd_matchesThePublicSignatures() throws Exception {
    ApiSummary.Result api = published();
    String doc = Files.readString(API_MD, StandardCharsets.UTF_8);
    int at = doc.indexOf(MARKER);
    assertTrue(at >= 0, "docs/design/API.md lost its marker line: " + MARKER);
    String expected = doc.substring(0, at + MARKER.length()) + "\n" + api.markdown();
    if (Boolean.getBoolean("ctx4j.api.write") && !expected.equals(doc)) {
      Files.writeString(API_MD, expected, StandardCharsets.UTF_8);
      doc = Files.readString(API_MD, StandardCharsets.UTF_8);
    }
    assertEquals(
        expected,
        doc,
        "docs/design/API.md is not the public API of the sources: regenerate it with ./ctx4j docs");
  }

  @Test
  void everyPublicTypeAndMember_hasADocComment() throws Exception {
    List<String> missing = published().undocumented();
    assertEquals(List.of(), missing, "public elements without a doc comment");
  }

  @Test
  void summary_listsTheCoreContract() throws Exception {
    String md = ApiSummary.of(ROOT, List.of("ctx4j-core")).markdown();
    assertTrue(md.startsWith("## ctx4j-core — `dev.ctx4j.core`\n"), md);
    for (String line :
        List.of(
            "public sealed interface Context permits CancellableContext {",
            "  static Context background();",
            "  CancellableContext withTimeout(Duration timeout);",
            "  <T> T value(Key<T> key);",
            "  <T> T call(Callable<T> task) throws Exception;",
            "public sealed interface CancellableContext extends Context, AutoCloseable {",
            "public final class Key<T> {")) {
      assertTrue(md.contains(line), "missing: " + line + "\n" + md);
    }
  }
}
