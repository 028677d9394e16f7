package dev.ctx4j.cli;

import dev.ctx4j.cli.Demo.Outcome;
import dev.ctx4j.observe.ContextTree.Chain;
import dev.ctx4j.observe.ContextTree.Hop;
import dev.ctx4j.observe.internal.Json;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code target/ctx4j-demo.json}: each scenario's chains, one object per stitched chain, in the
 * form the README documents: {@code {"scenarios":[{"name","chains":[{"cause","what","origin":
 * {"service","site"},"hops":[{"service","kind","thread","atMicros","parent",...}],
 * "workStoppedMicros"}]}]}}. Offsets are microseconds from the chain's trigger; request hops before
 * it are negative; {@code workStoppedMicros} is -1 when no work was stopped.
 */
final class DemoJson {
  private DemoJson() {}

  static void write(PrintStream out, Path file, List<Outcome> outcomes) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.writeString(file, json(outcomes), StandardCharsets.UTF_8);
    out.println("chains as JSON: " + file.toAbsolutePath());
  }

  static String json(List<Outcome> outcomes) {
    StringBuilder sb = new StringBuilder("{\"scenarios\":[");
    for (int i = 0; i < outcomes.size(); i++) {
      Outcome o = outcomes.get(i);
      sb.append(i == 0 ? "\n " : ",\n ").append("{\"name\":").append(str(o.name()));
      sb.append(",\"response\":").append(str(o.response()));
      sb.append(",\"chains\":[");
      for (int j = 0; j < o.chains().size(); j++) {
        sb.append(j == 0 ? "" : ",");
        chain(sb, o.chains().get(j));
      }
      sb.append("]}");
    }
    return sb.append("\n]}\n").toString();
  }

  /** {@code {"chains":[...]}}: each chain as in the demo's file ({@code ctx4j trace}'s JSON). */
  static String chains(List<Chain> chains) {
    StringBuilder sb = new StringBuilder("{\"chains\":[");
    for (int i = 0; i < chains.size(); i++) {
      sb.append(i == 0 ? "" : ",");
      chain(sb, chains.get(i));
    }
    return sb.append("\n]}\n").toString();
  }

  static void chain(StringBuilder sb, Chain c) {
    sb.append("\n  {\"cause\":").append(str(c.cause()));
    sb.append(",\"what\":").append(str(c.what()));
    sb.append(",\"origin\":{\"service\":").append(str(c.service()));
    sb.append(",\"site\":").append(str(c.site().isEmpty() ? c.request() : c.site()));
    sb.append(",\"thread\":").append(str(c.thread()));
    sb.append(",\"context\":").append(str(c.origin())).append('}');
    sb.append(",\"request\":").append(str(c.request()));
    sb.append(",\"services\":[");
    for (int i = 0; i < c.services().size(); i++) {
      sb.append(i == 0 ? "" : ",").append(str(c.services().get(i)));
    }
    sb.append("],\"hops\":[");
    for (int i = 0; i < c.hops().size(); i++) {
      Hop h = c.hops().get(i);
      sb.append(i == 0 ? "\n   " : ",\n   ");
      sb.append("{\"service\":").append(str(h.service()));
      sb.append(",\"kind\":").append(str(h.kind()));
      sb.append(",\"thread\":").append(str(h.thread()));
      sb.append(",\"atMicros\":").append(h.offsetNanos() / 1_000);
      sb.append(",\"parent\":").append(h.parent());
      sb.append(",\"context\":").append(str(h.segment()));
      if (!h.woken().isEmpty()) {
        sb.append(",\"woken\":[");
        for (int k = 0; k < h.woken().size(); k++) {
          sb.append(k == 0 ? "" : ",").append(str(h.woken().get(k)));
        }
        sb.append(']');
      }
      if (!h.detail().isEmpty()) {
        sb.append(",\"detail\":").append(str(h.detail()));
      }
      sb.append('}');
    }
    long stopped = c.workStoppedNanos();
    sb.append("],\"workStoppedMicros\":").append(stopped < 0 ? -1 : stopped / 1_000).append('}');
  }

  static String str(String s) {
    return Json.quote(s);
  }
}
