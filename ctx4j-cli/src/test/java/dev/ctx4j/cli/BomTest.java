package dev.ctx4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code ctx4j-bom} lists every published module of the reactor, at the reactor's version; {@code
 * ./ctx4j install} installs exactly what it lists (ADR 0110).
 */
class BomTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  /** Reactor modules the BOM does not list: the tools (built, never published) and itself. */
  private static final Set<String> UNLISTED =
      Set.of(
          "ctx4j-bench",
          "ctx4j-bench/load",
          "ctx4j-cli",
          "ctx4j-bom",
          "ctx4j-spring-boot3-test",
          "examples/spring-boot");

  private static final Pattern MODULE = Pattern.compile("<module>([^<]+)</module>");
  private static final Pattern MANAGED =
      Pattern.compile(
          "<groupId>dev\\.ctx4j</groupId>\\s*<artifactId>([^<]+)</artifactId>\\s*"
              + "<version>\\$\\{ctx4j\\.version}</version>");

  /** The modules the BOM lists, in its order: the published ones. */
  static List<String> bomModules(Path root) throws IOException {
    return all(MANAGED, read(root.resolve("ctx4j-bom/pom.xml")));
  }

  @Test
  void bom_listsEveryPublishedReactorModule_andNothingElse() throws IOException {
    Set<String> published = new TreeSet<>();
    for (String module : all(MODULE, read(ROOT.resolve("pom.xml")))) {
      String pom = read(ROOT.resolve(module).resolve("pom.xml"));
      boolean aggregate = pom.contains("<packaging>pom</packaging>") && pom.contains("<modules>");
      if (!UNLISTED.contains(module) && !aggregate) {
        published.add(module);
      }
    }
    assertTrue(published.contains("ctx4j-core"), published.toString());
    Set<String> managed = new TreeSet<>(bomModules(ROOT));
    assertEquals(published, managed, "ctx4j-bom/pom.xml must list every published module");
  }

  @Test
  void bom_hasTheReactorVersion() throws IOException {
    String version =
        first("<version>([^<]+)</version>", afterParent(read(ROOT.resolve("pom.xml"))));
    String bom = read(ROOT.resolve("ctx4j-bom/pom.xml"));
    assertEquals(version, first("<version>([^<]+)</version>", bom), "ctx4j-bom's own version");
    assertEquals(
        version, first("<ctx4j.version>([^<]+)</ctx4j.version>", bom), "ctx4j-bom's ctx4j.version");
    assertTrue(
        !bom.contains("<parent>"), "the BOM has no parent: importing it brings nothing else");
  }

  private static String afterParent(String pom) {
    int end = pom.indexOf("</parent>");
    return end < 0 ? pom : pom.substring(end);
  }

  private static String read(Path p) throws IOException {
    return Files.readString(p, StandardCharsets.UTF_8).replaceAll("(?s)<!--.*?-->", "");
  }

  private static List<String> all(Pattern p, String text) {
    List<String> found = new ArrayList<>();
    Matcher m = p.matcher(text);
    while (m.find()) {
      found.add(m.group(1));
    }
    return found;
  }

  private static String first(String regex, String text) {
    Matcher m = Pattern.compile(regex).matcher(text);
    assertTrue(m.find(), regex);
    return m.group(1);
  }
}
