package dev.ctx4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The ctx4j libraries load on JDK 21: every class outside a multi-release layer ({@code
 * META-INF/versions/N}, used only by JDK N and later) is a Java 21 class file (major version 65) or
 * older. Checks the ctx4j modules this module's tests run against, jar or class folder.
 */
class LibrariesOnJdk21Test {
  private static final int JAVA_21 = 65;

  @Test
  void everyClassOutsideTheMultiReleaseLayer_isAJava21ClassFile() throws IOException {
    List<Path> modules = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
      Path p = Path.of(entry);
      String name = p.toString().replace('\\', '/');
      if (name.matches(".*/ctx4j-(core|jdbc|http|grpc|observe|lint)/target/.*")) {
        modules.add(p);
      }
    }
    assertEquals(6, modules.size(), "the library modules on the test class path: " + modules);
    List<String> tooNew = new ArrayList<>();
    int checked = 0;
    for (Path module : modules) {
      if (Files.isDirectory(module)) {
        try (Stream<Path> files = Files.walk(module)) {
          for (Path f : files.filter(x -> x.toString().endsWith(".class")).toList()) {
            String rel = module.relativize(f).toString().replace('\\', '/');
            if (!rel.startsWith("META-INF/versions/")) {
              checked++;
              try (InputStream in = Files.newInputStream(f)) {
                note(tooNew, module + "!" + rel, major(in));
              }
            }
          }
        }
      } else {
        try (JarFile jar = new JarFile(module.toFile())) {
          for (JarEntry e : jar.stream().toList()) {
            if (e.getName().endsWith(".class") && !e.getName().startsWith("META-INF/versions/")) {
              checked++;
              try (InputStream in = jar.getInputStream(e)) {
                note(tooNew, module + "!" + e.getName(), major(in));
              }
            }
          }
        }
      }
    }
    assertTrue(checked > 50, "found only " + checked + " classes in " + modules);
    assertTrue(tooNew.isEmpty(), "newer than Java 21: " + tooNew);
  }

  /**
   * The test JVMs get {@code --sun-misc-unsafe-memory-access} from a Maven profile activated on JDK
   * 23 and later only (JDK 21 and 22 refuse to start with it): this JVM has it exactly when its JDK
   * knows it.
   */
  @Test
  void testJvm_getsTheUnsafeOptionExactlyWhenItsJdkKnowsIt() {
    boolean knows = Runtime.version().feature() >= 23;
    assertEquals(
        knows ? "allow" : null,
        System.getProperty("sun.misc.unsafe.memory.access"),
        "JDK " + Runtime.version().feature());
  }

  private static void note(List<String> tooNew, String where, int major) {
    if (major > JAVA_21) {
      tooNew.add(where + " (major " + major + ")");
    }
  }

  private static int major(InputStream in) throws IOException {
    DataInputStream data = new DataInputStream(in);
    if (data.readInt() != 0xCAFEBABE) {
      throw new IOException("not a class file");
    }
    var unusedMinor = data.readUnsignedShort();
    return data.readUnsignedShort();
  }
}
