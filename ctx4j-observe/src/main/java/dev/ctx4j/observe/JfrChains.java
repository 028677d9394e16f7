package dev.ctx4j.observe;

import dev.ctx4j.internal.HopKind;
import dev.ctx4j.observe.ContextTree.Chain;
import dev.ctx4j.observe.ContextTree.State;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;

/**
 * Reads propagation chains back from flight recordings: the {@code ctx4j.Cancel}, {@code ctx4j.Hop}
 * and {@code ctx4j.RequestSent} events core writes while tracing is on. Several recordings (one per
 * service) are merged: a chain a request caused in another process joins the chain that sent it, as
 * in the live view. Record with tracing on ({@code -Dctx4j.trace=on}) and {@code
 * -XX:StartFlightRecording} or {@code jcmd <pid> JFR.start} (the {@code ctx4j} events are on in the
 * default settings).
 */
public final class JfrChains {
  static final String CANCEL_EVENT = "ctx4j.Cancel";
  static final String HOP_EVENT = "ctx4j.Hop";
  static final String SENT_EVENT = "ctx4j.RequestSent";

  private JfrChains() {}

  /**
   * The chains in {@code recording}, stitched, routine ends left out, most recent first.
   *
   * @throws IOException if the file cannot be read or is not a recording
   */
  public static List<Chain> read(Path recording) throws IOException {
    return read(List.of(Objects.requireNonNull(recording, "recording")), false);
  }

  /**
   * The chains in every recording of {@code recordings} (one per process), stitched across them,
   * most recent first; routine ends only with {@code all}.
   *
   * @throws IOException if a file cannot be read or is not a recording
   */
  public static List<Chain> read(List<Path> recordings, boolean all) throws IOException {
    Map<String, Stitcher.Raw> raws = new HashMap<>();
    List<RecordedEvent> hops = new ArrayList<>();
    List<Stitcher.Sent> sents = new ArrayList<>();
    for (Path p : recordings) {
      for (RecordedEvent e : RecordingFile.readAllEvents(Objects.requireNonNull(p, "recording"))) {
        switch (e.getEventType().getName()) {
          case CANCEL_EVENT -> {
            Stitcher.Raw r = chain(e);
            raws.put(r.process + "/" + r.id, r);
          }
          case HOP_EVENT -> hops.add(e);
          case SENT_EVENT -> sents.add(sent(e));
          default -> {}
        }
      }
    }
    for (RecordedEvent e : hops) {
      Stitcher.Raw r = raws.get(text(e, "process") + "/" + e.getLong("chain"));
      HopKind kind = kind(text(e, "kind"));
      if (r != null && kind != null) {
        r.add(
            new Stitcher.RawHop(
                e.getInt("index"),
                e.getInt("parent"),
                kind,
                text(e, "segment"),
                text(e, "ref"),
                text(e, "lane"),
                text(e, "hopThread"),
                e.getLong("offset"),
                text(e, "remoteParent"),
                text(e, "detail")));
      }
    }
    sents.sort((a, b) -> a.at().compareTo(b.at()));
    return Stitcher.stitch(new ArrayList<>(raws.values()), sents, all);
  }

  private static Stitcher.Raw chain(RecordedEvent e) {
    String err = text(e, "err");
    String cause = text(e, "cause");
    boolean deadline = err.equals("DeadlineExceededException");
    Stitcher.Raw r =
        new Stitcher.Raw(
            text(e, "process"),
            e.getLong("chain"),
            text(e, "origin"),
            text(e, "thread"),
            shortSite(text(e, "site")),
            micros(e.getLong("startedAtMicros")),
            deadline ? State.DEADLINE_EXCEEDED : State.CANCELLED,
            cause.isEmpty() ? err : cause,
            !deadline && cause.isEmpty(),
            text(e, "service"),
            text(e, "remoteParent"),
            text(e, "request"));
    r.ended(e.getLong("propagation"));
    return r;
  }

  private static Stitcher.Sent sent(RecordedEvent e) {
    return new Stitcher.Sent(
        text(e, "ref"),
        text(e, "service"),
        text(e, "remoteParent"),
        text(e, "request"),
        text(e, "serving"),
        text(e, "sender"),
        micros(e.getLong("atMicros")),
        text(e, "via"));
  }

  private static HopKind kind(String name) {
    try {
      return HopKind.valueOf(name);
    } catch (IllegalArgumentException e) {
      return null; // a kind this version does not know: left out
    }
  }

  /** {@code a.b.Class.method(File.java:1)} as {@code Class.method(File.java:1)}. */
  static String shortSite(String site) {
    int paren = site.indexOf('(');
    String head = paren < 0 ? site : site.substring(0, paren);
    int method = head.lastIndexOf('.');
    int cls = method <= 0 ? -1 : head.lastIndexOf('.', method - 1);
    return cls < 0 ? site : site.substring(cls + 1);
  }

  private static Instant micros(long epochMicros) {
    return Instant.ofEpochSecond(
        Math.floorDiv(epochMicros, 1_000_000L), Math.floorMod(epochMicros, 1_000_000L) * 1_000L);
  }

  private static String text(RecordedEvent e, String field) {
    String s = e.hasField(field) ? e.getString(field) : null;
    return s == null ? "" : s;
  }
}
