package dev.ctx4j.lint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real code that never uses ctx4j, and garbage. The java.base run analyses all ~3,400 files (about
 * 70 CPU-seconds, within 2 GiB: surefire runs this module with -Xmx2g); a deterministic sample of
 * 1,000 files (every n-th of the sorted list) runs instead with {@code
 * -Dctx4j.lint.jdkSample=true}:
 *
 * <pre>mvn -pl ctx4j-lint verify -Dtest=RobustnessTest -Dctx4j.lint.jdkSample=true</pre>
 */
class RobustnessTest {
  @TempDir Path tmp;

  private static final int SAMPLE = 1000;

  @Test
  void javaBaseSources_noCrash_noFindingButParseErrors() throws Exception {
    Path root = javaBase();
    List<Path> all;
    try (Stream<Path> s = Files.walk(root)) {
      all = s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
    }
    assertTrue(all.size() > 2000, "java.base should hold thousands of files, found " + all.size());
    List<Path> files = all;
    if (Boolean.getBoolean("ctx4j.lint.jdkSample")) {
      files = new ArrayList<>();
      double step = (double) all.size() / SAMPLE;
      for (int i = 0; i < SAMPLE; i++) {
        files.add(all.get((int) (i * step)));
      }
    }
    java.time.Duration cpu0 = cpu();
    List<Finding> found = Checks.run(Project.load(files), Checks.select(List.of()));
    java.time.Duration cpu = cpu().minus(cpu0);
    List<Finding> other =
        found.stream().filter(f -> !f.check().equals(Checks.PARSE_ERROR)).toList();
    System.out.println(
        "java.base: "
            + files.size()
            + " of "
            + all.size()
            + " files, "
            + found.size()
            + " parse errors, "
            + cpu.toMillis()
            + " ms CPU, heap max "
            + Runtime.getRuntime().maxMemory() / (1024 * 1024)
            + " MiB"
            + (found.isEmpty() ? "" : ":\n" + LintHelper.describe(found)));
    assertEquals(List.of(), other, "only parse-error may be reported on code without ctx4j");
  }

  @Test
  void randomBytes_truncatedAndNonUtf8Files_reportedOrIgnored_neverThrown() throws Exception {
    long seed = System.nanoTime();
    Random r = new Random(seed);
    String valid =
        """
        package a;
        import dev.ctx4j.*;
        import java.time.Duration;
        class Valid {
          private Context ctx;
          void run(Context ctx) throws Exception {
            CancellableContext c = ctx.withTimeout(Duration.ofSeconds(1));
            Thread.sleep(5);
            for (int i = 0; i < 3; i++) { ctx = ctx.withValue(Key.named("k"), "v"); }
            Context.background().isDone();
            c.cancel();
          }
        }
        """;
    byte[] bytes = valid.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < 40; i++) {
      byte[] junk = new byte[r.nextInt(2000)];
      r.nextBytes(junk);
      Files.write(tmp.resolve("Random" + i + ".java"), junk);
      int cut = r.nextInt(bytes.length);
      Files.write(tmp.resolve("Cut" + i + ".java"), java.util.Arrays.copyOf(bytes, cut));
    }
    Files.write(
        tmp.resolve("Latin1.java"),
        ("// caf\u00e9\n" + valid.replace("Valid", "Latin1"))
            .getBytes(StandardCharsets.ISO_8859_1));
    Files.write(tmp.resolve("Utf16.java"), valid.getBytes(StandardCharsets.UTF_16));
    Files.write(tmp.resolve("Empty.java"), new byte[0]);
    List<Finding> found;
    try {
      found = Checks.run(Project.load(List.of(tmp)), Checks.select(List.of()));
    } catch (RuntimeException | Error e) {
      throw new AssertionError("seed " + seed + ": the analysis threw", e);
    }
    assertTrue(
        found.stream()
            .anyMatch(
                f ->
                    f.file().getFileName().toString().equals("Latin1.java")
                        && f.check().equals("context-in-field")),
        "seed "
            + seed
            + ": a Latin-1 file is analysed, not rejected:\n"
            + LintHelper.describe(found));
    assertTrue(
        found.stream()
            .anyMatch(
                f ->
                    f.file().getFileName().toString().equals("Utf16.java")
                        && f.check().equals(Checks.PARSE_ERROR)),
        "seed " + seed + ": a UTF-16 file does not parse as UTF-8");
  }

  private static java.time.Duration cpu() {
    return ProcessHandle.current().info().totalCpuDuration().orElse(java.time.Duration.ZERO);
  }

  /** Unpacks java.base from the running JDK's lib/src.zip into target/ once. */
  static Path javaBase() throws IOException {
    Path zip = Path.of(System.getProperty("java.home"), "lib", "src.zip");
    assertTrue(Files.isRegularFile(zip), "the JDK running the tests has no " + zip);
    Path out = Path.of("target", "jdk-src");
    Path done = out.resolve(".complete");
    if (Files.exists(done)) {
      return out.resolve("java.base");
    }
    if (Files.exists(out)) {
      try (Stream<Path> s = Files.walk(out)) {
        for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
    try (InputStream in = Files.newInputStream(zip);
        ZipInputStream z = new ZipInputStream(in)) {
      ZipEntry e;
      while ((e = z.getNextEntry()) != null) {
        if (!e.isDirectory()
            && e.getName().startsWith("java.base/")
            && e.getName().endsWith(".java")) {
          Path p = out.resolve(e.getName()).normalize();
          if (!p.startsWith(out)) {
            throw new IOException("zip entry outside the target: " + e.getName());
          }
          Files.createDirectories(p.getParent());
          Files.copy(z, p);
        }
      }
    }
    Files.createFile(done);
    return out.resolve("java.base");
  }
}
