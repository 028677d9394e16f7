package dev.ctx4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code ./ctx4j} launcher finds a JDK by itself, or says what to install. */
class LauncherTest {
  private static final Path LAUNCHER = Path.of("..", "ctx4j").toAbsolutePath().normalize();

  record Result(int code, String output) {}

  private static Result launch(Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    String[] command = new String[args.length + 2];
    command[0] = "bash";
    command[1] = LAUNCHER.toString();
    System.arraycopy(args, 0, command, 2, args.length);
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().remove("JAVA_HOME");
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
