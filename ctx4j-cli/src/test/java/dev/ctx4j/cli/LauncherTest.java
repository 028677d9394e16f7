package dev.ctx4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code ./ctx4j} launcher finds a JDK by itself, or says what to install. */
class LauncherTest {
  private static final Path LAUNCHER = Path.of("..", "ctx4j").toAbsolutePath().normalize();
  private static final Path CLI_JAR = LAUNCHER.resolveSibling("ctx4j-cli/target/ctx4j-cli-all.jar");

  record Result(int code, String output) {}

  private static Result launch(Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    String[] command = new String[args.length + 2];
    command[0] = "bash";
    command[1] = LAUNCHER.toString();
    System.arraycopy(args, 0, command, 2, args.length);
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    for (String inherited : List.of("JAVA_HOME", "MAVEN_OPTS", "CTX4J_JDK_ROOT", "CTX4J_DRY_RUN")) {
      pb.environment().remove(inherited); // the launcher running this build sets some of them
    }
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return new Result(p.waitFor(), out);
  }

  @Test
  void noJdk21Anywhere_exits1AndSaysWhatToInstall(@TempDir Path emptyJvmRoot) throws Exception {
    Result r =
        launch(
            Map.of("JAVA_HOME", "/nonexistent", "CTX4J_JDK_ROOT", emptyJvmRoot.toString()), "help");
    assertEquals(1, r.code(), r.output());
    assertTrue(r.output().contains("needs a JDK 21 or newer"), r.output());
    assertTrue(r.output().contains("install"), r.output());
  }

  @Test
  void javaHomeTooOld_fallsBackToNewestUnderJvmRoot(@TempDir Path root) throws Exception {
    // A fake JDK 17 in JAVA_HOME and a fake JDK 25 under the search root: the launcher must pick
    // 25.
    Path old = fakeJdk(root.resolve("old"), "17.0.15");
    fakeJdk(root.resolve("jvms/jdk-21"), "21.0.4");
    Path newest = fakeJdk(root.resolve("jvms/jdk-25"), "25.0.1");
    Result r =
        launch(
            Map.of(
                "JAVA_HOME", old.toString(),
                "CTX4J_JDK_ROOT", root.resolve("jvms").toString(),
                "CTX4J_PRINT_JAVA_HOME", "1"),
            "help");
    assertEquals(0, r.code(), r.output());
    assertTrue(r.output().contains("JAVA_HOME=" + newest), r.output());
  }

  /**
   * JDK 21 and 22 refuse to start with an option they do not know: the demo's java command line and
   * Maven's options carry {@code --sun-misc-unsafe-memory-access} only for JDK 23 and later.
   */
  @Test
  void jdk21_demoCommandLineAndMavenOptions_carryNoOptionItDoesNotKnow(@TempDir Path root)
      throws Exception {
    Path jdk21 = fakeJdk(root.resolve("jvms/jdk-21"), "21.0.4");
    fakeJdk(root.resolve("jvms/jdk-17"), "17.0.15");
    Map<String, String> env =
        Map.of("CTX4J_JDK_ROOT", root.resolve("jvms").toString(), "MAVEN_OPTS", "-Xmx1g");
    assertEquals(javaLine(jdk21, "", "demo --serve"), dryRun(env, "demo", "--serve"));
    assertEquals(
        "MAVEN_OPTS=-Xmx1g mvn -B -ntp -Dstyle.color=never install -pl ctx4j-core",
        dryRun(env, "test", "-pl", "ctx4j-core"));
  }

  @Test
  void jdk25_demoCommandLineAndMavenOptions_allowUnsafeMemoryAccess(@TempDir Path root)
      throws Exception {
    fakeJdk(root.resolve("jvms/jdk-21"), "21.0.4");
    Path jdk25 = fakeJdk(root.resolve("jvms/jdk-25"), "25.0.1");
    Map<String, String> env = Map.of("CTX4J_JDK_ROOT", root.resolve("jvms").toString());
    assertEquals(javaLine(jdk25, UNSAFE_ALLOWED, "demo"), dryRun(env, "demo"));
    assertEquals(
        "MAVEN_OPTS=" + UNSAFE_ALLOWED + " mvn -B -ntp -Dstyle.color=never install",
        dryRun(env, "test"));
  }

  @Test
  void javaHomeJdk21_isKeptOverANewerOneUnderTheRoot(@TempDir Path root) throws Exception {
    Path jdk21 = fakeJdk(root.resolve("home-21"), "21.0.4");
    fakeJdk(root.resolve("jvms/jdk-25"), "25.0.1");
    Map<String, String> env =
        Map.of("JAVA_HOME", jdk21.toString(), "CTX4J_JDK_ROOT", root.resolve("jvms").toString());
    assertEquals(javaLine(jdk21, "", "demo"), dryRun(env, "demo"));
  }

  /**
   * Javadoc cannot aggregate named modules with the Spring Boot ones (class path only): the
   * reference is built in two runs, so that neither fails on the mix.
   */
  @Test
  void docs_aggregatesTheNamedModules_andDocumentsSpringBootOnItsOwn(@TempDir Path root)
      throws Exception {
    Path jdk25 = fakeJdk(root.resolve("jdk-25"), "25.0.1");
    String out = dryRun(Map.of("JAVA_HOME", jdk25.toString()), "docs");
    String aggregate =
        out.lines().filter(l -> l.contains("javadoc:aggregate")).findFirst().orElseThrow();
    assertTrue(aggregate.contains("ctx4j-core,") && aggregate.contains("ctx4j-lint"), aggregate);
    assertFalse(aggregate.contains("spring-boot"), aggregate);
    String spring =
        out.lines().filter(l -> l.contains("javadoc:javadoc")).findFirst().orElseThrow();
    assertTrue(spring.contains("-pl ctx4j-spring-boot -am"), spring);
  }

  private static final String UNSAFE_ALLOWED = "--sun-misc-unsafe-memory-access=allow";

  /** The command line the launcher prints with {@code CTX4J_DRY_RUN=1}; it must exit 0. */
  private static String dryRun(Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    Map<String, String> all = new HashMap<>(env);
    all.put("CTX4J_DRY_RUN", "1");
    Result r = launch(all, args);
    assertEquals(0, r.code(), r.output());
    return r.output().strip();
  }

  /** The java command line the launcher builds for {@code jdk}, with {@code extra} options. */
  private static String javaLine(Path jdk, String extra, String args) {
    String options = extra.isEmpty() ? "" : extra + " ";
    return jdk.resolve("bin/java")
        + " -XX:+EnableDynamicAgentLoading "
        + options
        + "-jar "
        + CLI_JAR
        + " "
        + args;
  }

  /**
   * Maven reads {@code .mvn/jvm.config} whatever JDK runs it, so every line must be an option JDK
   * 21 knows. A real JDK older than 23 found on this machine (JDK 17 knows every option JDK 21 does
   * that the file may need) must start with the whole file as its options.
   */
  @Test
  void mavenJvmConfig_startsAJdkOlderThan23() throws Exception {
    Path old = olderRealJdk();
    Assumptions.assumeTrue(old != null, "no real JDK older than 23 under /usr/lib/jvm");
    List<String> options =
        Files.readAllLines(LAUNCHER.resolveSibling(".mvn/jvm.config")).stream()
            .map(String::strip)
            .filter(l -> !l.isEmpty())
            .toList();
    List<String> command = new ArrayList<>();
    command.add(old.resolve("bin/java").toString());
    command.addAll(options);
    command.add("-version");
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), old + " refused .mvn/jvm.config: " + out);
  }

  /** A real JDK (with javac) whose feature version is below 23, or null. */
  private static Path olderRealJdk() throws IOException {
    Path jvms = Path.of("/usr/lib/jvm");
    if (!Files.isDirectory(jvms)) {
      return null;
    }
    try (var dirs = Files.list(jvms)) {
      for (Path dir : dirs.sorted().toList()) {
        Path java = dir.resolve("bin/java");
        if (Files.isExecutable(java) && Files.isExecutable(dir.resolve("bin/javac"))) {
          Process p =
              new ProcessBuilder(java.toString(), "-version").redirectErrorStream(true).start();
          String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
          Matcher m = VERSION.matcher(out);
          if (waitQuietly(p) == 0 && m.find() && Integer.parseInt(m.group(1)) < 23) {
            return dir;
          }
        }
      }
    }
    return null;
  }

  private static final Pattern VERSION = Pattern.compile("version \"(?:1\\.)?(\\d+)");

  private static int waitQuietly(Process p) {
    try {
      return p.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** A directory whose bin/java prints the given version the way the JDK does, and a bin/javac. */
  private static Path fakeJdk(Path home, String version) throws IOException {
    Path bin = Files.createDirectories(home.resolve("bin"));
    Path java = bin.resolve("java");
    Files.writeString(
        java, "#!/bin/sh\necho 'openjdk version \"" + version + "\" 2025-01-01' >&2\n");
    Path javac = bin.resolve("javac");
    Files.writeString(javac, "#!/bin/sh\nexit 0\n");
    java.toFile().setExecutable(true);
    javac.toFile().setExecutable(true);
    return home;
  }
}
