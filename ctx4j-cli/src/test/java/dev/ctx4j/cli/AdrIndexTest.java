package dev.ctx4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** {@code docs/adr/README.md} lists every record, and every record states its status. */
class AdrIndexTest {
  private static final Path ADR = Path.of("..", "docs", "adr").toAbsolutePath().normalize();

  @Test
  void index_listsEveryRecord_andEveryRecordHasAStatus() throws IOException {
    String index = Files.readString(ADR.resolve("README.md"), StandardCharsets.UTF_8);
    List<String> unlisted = new ArrayList<>();
    List<String> noStatus = new ArrayList<>();
    List<Path> records;
    try (Stream<Path> files = Files.list(ADR)) {
      records =
          files.filter(p -> p.getFileName().toString().matches("\\d{4}-.*\\.md")).sorted().toList();
    }
    for (Path record : records) {
      String name = record.getFileName().toString();
      if (!index.contains("(" + name + ")")) {
        unlisted.add(name);
      }
      List<String> lines = Files.readAllLines(record, StandardCharsets.UTF_8);
      if (lines.size() < 3 || !lines.get(2).startsWith("Status: ")) {
        noStatus.add(name);
      }
    }
    assertTrue(records.size() > 40, "records found: " + records.size());
    assertEquals(List.of(), unlisted, "records missing from docs/adr/README.md");
    assertEquals(List.of(), noStatus, "records whose third line is not 'Status: ...'");
  }
}
