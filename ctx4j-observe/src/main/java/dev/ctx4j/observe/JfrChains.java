package dev.ctx4j.observe;

import dev.ctx4j.observe.ContextTree.Chain;
import dev.ctx4j.observe.ContextTree.Hop;
import dev.ctx4j.observe.ContextTree.State;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;

/**
 * Reads the propagation chains back from a flight recording: one {@link Chain} per {@code
 * ctx4j.Cancel} event, in recording order. Record with tracing on ({@code -Dctx4j.trace=on}) and
 * {@code jcmd <pid> JFR.start} (the {@code ctx4j} events are on in the default settings).
 */
public final class JfrChains {
  static final String CANCEL_EVENT = "ctx4j.Cancel";

  private JfrChains() {}

  /**
   * Every chain in {@code recording}.
   *
   * @throws IOException if the file cannot be read or is not a recording
   */
  public static List<Chain> read(Path recording) throws IOException {
    Objects.requireNonNull(recording, "recording");
    List<RecordedEvent> events = new ArrayList<>();
    for (RecordedEvent e : RecordingFile.readAllEvents(recording)) {
      if (e.getEventType().getName().equals(CANCEL_EVENT)) {
        events.add(e);
      }
    }
    events.sort((a, b) -> a.getStartTime().compareTo(b.getStartTime()));
    List<Chain> out = new ArrayList<>(events.size());
    long id = 1;
    for (RecordedEvent e : events) {
      out.add(chain(id++, e));
    }
    return out;
  }

  private static Chain chain(long id, RecordedEvent e) {
    String err = text(e, "err");
    return new Chain(
        id,
        text(e, "origin"),
        text(e, "thread"),
        text(e, "site"),
        Instant.ofEpochMilli(e.getLong("startedAt")),
        err.equals("DeadlineExceededException") ? State.DEADLINE_EXCEEDED : State.CANCELLED,
        causeText(err, text(e, "cause")),
        e.getInt("descendants"),
        e.getLong("propagation"),
        hops(text(e, "hops")));
  }

  private static String causeText(String err, String cause) {
    return cause.isEmpty() ? err : cause;
  }

  private static String text(RecordedEvent e, String field) {
    String s = e.getString(field);
    return s == null ? "" : s;
  }

  static List<Hop> hops(String encoded) {
    List<Hop> hops = new ArrayList<>();
    for (String line : encoded.split("\n", -1)) {
      if (line.isEmpty()) {
        continue;
      }
      String[] f = line.split("\t", -1);
      if (f.length < 4) {
        continue;
      }
      List<String> woken =
          f[3].isEmpty() ? List.of() : Arrays.asList(f[3].split(String.valueOf('\u001f'), -1));
      hops.add(new Hop(Integer.parseInt(f[1]), f[2], Long.parseLong(f[0]), woken));
    }
    return hops;
  }
}
