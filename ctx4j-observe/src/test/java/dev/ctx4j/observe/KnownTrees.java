package dev.ctx4j.observe;

import dev.ctx4j.observe.ContextTree.Chain;
import dev.ctx4j.observe.ContextTree.Hop;
import dev.ctx4j.observe.ContextTree.Node;
import dev.ctx4j.observe.ContextTree.Snapshot;
import dev.ctx4j.observe.ContextTree.State;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Hand-built snapshots with fixed times, so renderers can be pinned exactly. */
final class KnownTrees {
  static final Instant AT = Instant.parse("2026-01-02T03:04:05Z");

  private KnownTrees() {}

  static Snapshot requestTree() {
    Node user =
        new Node(4, "withValue(user)=alice", State.LIVE, Duration.ofMillis(1200), List.of(), "",
            Duration.ofMillis(5), List.of());
    Node timeout =
        new Node(2, "withTimeout(1.5s)", State.LIVE, Duration.ofMillis(1200), List.of("worker-1"),
            "com.example.Server.call(Server.java:51)", Duration.ofMillis(300), List.of(user));
    Node trace =
        new Node(3, "withValue(traceId)", State.LIVE, null, List.of(), "", Duration.ofMillis(7),
            List.of());
    Node request =
        new Node(1, "withCancel", State.LIVE, null, List.of(),
            "com.example.Server.handle(Server.java:42)", Duration.ofSeconds(2),
            List.of(timeout, trace));
    Node root =
        new Node(0, "Context.background", State.LIVE, null, List.of(), "", Duration.ZERO,
            List.of(request));
    return new Snapshot(AT, List.of(root), 4, 0, List.of(hungUp(), expired()));
  }

  static Chain hungUp() {
    return new Chain(
        7,
        "Context.background.withCancel",
        "main",
        "com.example.Server.handle(Server.java:57)",
        AT,
        State.CANCELLED,
        "java.io.IOException: client hung up",
        3,
        15_300,
        List.of(
            new Hop(-1, "withCancel", 0, List.of()),
            new Hop(0, "withTimeout(1.5s)", 4_200, List.of("worker-1")),
            new Hop(1, "withCancel", 9_800, List.of("worker-2", "worker-3")),
            new Hop(0, "withCancel", 12_050, List.of())));
  }

  static Chain expired() {
    return new Chain(
        6,
        "Context.background.withTimeout(250ms)",
        "ctx4j-timer",
        "",
        AT,
        State.DEADLINE_EXCEEDED,
        "DeadlineExceededException",
        0,
        900,
        List.of(new Hop(-1, "withTimeout(250ms)", 0, List.of("db-1"))));
  }
}
