package dev.ctx4j.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctx4j.observe.ContextTree.Snapshot;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every renderer pinned on a hand-built tree with fixed times. */
class RenderTest {
  private final Snapshot known = KnownTrees.requestTree();

  @Test
  void text_knownTree_indentedTreeThenChains() {
    assertEquals(
        """
        Context.background
        └── withCancel  live  at com.example.Server.handle(Server.java:42)
            ├── withTimeout(1.5s)  live  1.2s left  waiters: worker-1  at com.example.Server.call(Server.java:51)
            │   └── withValue(user)=alice  live  1.2s left
            └── withValue(traceId)  live
        (4 live)

        chains, most recent first:
        #7 IOException: client hung up · Context.background.withCancel at com.example.Server.handle(Server.java:57) by main · 4 hops in 15.3µs
          withCancel  +0s
          ├── withTimeout(1.5s)  +4.2µs  woke worker-1
          │   └── withCancel  +9.8µs  woke worker-2, worker-3
          └── withCancel  +12.1µs
        #6 deadline exceeded · Context.background.withTimeout(250ms) · 1 hop in 900ns
          withTimeout(250ms)  +0s  woke db-1
        """,
        Render.text(known));
  }

  @Test
  void mermaid_knownTree_exactFlowchart() {
    assertEquals(
        """
        flowchart TD
          r0["Context.background"]
          n1["withCancel<br/>live"]
          r0 --> n1
          n2["withTimeout(1.5s)<br/>live, 1.2s left<br/>waiters: worker-1"]
          n1 --> n2
          n4["withValue(user)=alice<br/>live, 1.2s left"]
          n2 --> n4
          n3["withValue(traceId)<br/>live"]
          n1 --> n3
          subgraph chain7["#7 IOException: client hung up · Context.background.withCancel at com.example.Server.handle(Server.java:57) by main · 4 hops in 15.3µs"]
            c7h0["withCancel<br/>+0s"]
            c7h1["withTimeout(1.5s)<br/>+4.2µs"]
            c7h0 --> c7h1
            c7h1t0(["worker-1"])
            c7h1 -. woke .-> c7h1t0
            c7h2["withCancel<br/>+9.8µs"]
            c7h1 --> c7h2
            c7h2t0(["worker-2"])
            c7h2 -. woke .-> c7h2t0
            c7h2t1(["worker-3"])
            c7h2 -. woke .-> c7h2t1
            c7h3["withCancel<br/>+12.1µs"]
            c7h0 --> c7h3
          end
          subgraph chain6["#6 deadline exceeded · Context.background.withTimeout(250ms) · 1 hop in 900ns"]
            c6h0["withTimeout(250ms)<br/>+0s"]
            c6h0t0(["db-1"])
            c6h0 -. woke .-> c6h0t0
          end
          classDef root fill:#eeeeee,stroke:#616161
          classDef live fill:#e8f5e9,stroke:#2e7d32
          classDef cancelled fill:#ffebee,stroke:#c62828
          classDef deadline fill:#fff3e0,stroke:#ef6c00
          classDef thread fill:#e3f2fd,stroke:#1565c0
          class r0 root
          class n1,n2,n4,n3 live
          class c7h0,c7h1,c7h2,c7h3 cancelled
          class c6h0 deadline
          class c7h1t0,c7h2t0,c7h2t1,c6h0t0 thread
        """,
        Render.mermaid(known));
  }

  @Test
  void mermaid_knownTree_passesSyntaxCheck() {
    SyntaxCheck.mermaid(Render.mermaid(known));
  }

  @Test
  void dot_knownTree_exactDigraph() {
    assertEquals(
        """
        digraph ctx4j {
          rankdir=LR;
          node [shape=box, style="rounded,filled", fontname="Helvetica"];
          r0 [label="Context.background", fillcolor="#eeeeee"];
          n1 [label="withCancel\\nlive", fillcolor="#e8f5e9"];
          r0 -> n1;
          n2 [label="withTimeout(1.5s)\\nlive, 1.2s left\\nwaiters: worker-1", fillcolor="#e8f5e9"];
          n1 -> n2;
          n4 [label="withValue(user)=alice\\nlive, 1.2s left", fillcolor="#e8f5e9"];
          n2 -> n4;
          n3 [label="withValue(traceId)\\nlive", fillcolor="#e8f5e9"];
          n1 -> n3;
          subgraph cluster_chain7 {
            label="#7 IOException: client hung up · Context.background.withCancel at com.example.Server.handle(Server.java:57) by main · 4 hops in 15.3µs";
            c7h0 [label="withCancel\\n+0s", fillcolor="#ffebee"];
            c7h1 [label="withTimeout(1.5s)\\n+4.2µs", fillcolor="#ffebee"];
            c7h0 -> c7h1;
            c7h1t0 [shape=ellipse, label="worker-1", fillcolor="#e3f2fd"];
            c7h1 -> c7h1t0 [style=dashed, label="woke"];
            c7h2 [label="withCancel\\n+9.8µs", fillcolor="#ffebee"];
            c7h1 -> c7h2;
            c7h2t0 [shape=ellipse, label="worker-2", fillcolor="#e3f2fd"];
            c7h2 -> c7h2t0 [style=dashed, label="woke"];
            c7h2t1 [shape=ellipse, label="worker-3", fillcolor="#e3f2fd"];
            c7h2 -> c7h2t1 [style=dashed, label="woke"];
            c7h3 [label="withCancel\\n+12.1µs", fillcolor="#ffebee"];
            c7h0 -> c7h3;
          }
          subgraph cluster_chain6 {
            label="#6 deadline exceeded · Context.background.withTimeout(250ms) · 1 hop in 900ns";
            c6h0 [label="withTimeout(250ms)\\n+0s", fillcolor="#fff3e0"];
            c6h0t0 [shape=ellipse, label="db-1", fillcolor="#e3f2fd"];
            c6h0 -> c6h0t0 [style=dashed, label="woke"];
          }
        }
        """,
        Render.dot(known));
  }

  @Test
  void dot_knownTree_passesSyntaxCheck() {
    SyntaxCheck.dot(Render.dot(known));
  }

  @Test
  void json_knownTree_exactObject() {
    assertEquals(
        """
        {"takenAt":"2026-01-02T03:04:05Z","live":4,"omitted":0,"roots":[{"id":0,"segment":"Context.background","state":"LIVE","remainingNanos":null,"waiters":[],"site":"","ageNanos":0,"children":[{"id":1,"segment":"withCancel","state":"LIVE","remainingNanos":null,"waiters":[],"site":"com.example.Server.handle(Server.java:42)","ageNanos":2000000000,"children":[{"id":2,"segment":"withTimeout(1.5s)","state":"LIVE","remainingNanos":1200000000,"waiters":["worker-1"],"site":"com.example.Server.call(Server.java:51)","ageNanos":300000000,"children":[{"id":4,"segment":"withValue(user)=alice","state":"LIVE","remainingNanos":1200000000,"waiters":[],"site":"","ageNanos":5000000,"children":[]}]},{"id":3,"segment":"withValue(traceId)","state":"LIVE","remainingNanos":null,"waiters":[],"site":"","ageNanos":7000000,"children":[]}]}]}],"chains":[{"id":7,"origin":"Context.background.withCancel","thread":"main","site":"com.example.Server.handle(Server.java:57)","startedAt":"2026-01-02T03:04:05Z","state":"CANCELLED","cause":"java.io.IOException: client hung up","descendants":3,"durationNanos":15300,"service":"","request":"","routine":false,"workStoppedNanos":-1,"hops":[{"parent":-1,"segment":"withCancel","offsetNanos":0,"woken":[],"kind":"context ended","service":"","thread":"","detail":""},{"parent":0,"segment":"withTimeout(1.5s)","offsetNanos":4200,"woken":["worker-1"],"kind":"context ended","service":"","thread":"","detail":""},{"parent":1,"segment":"withCancel","offsetNanos":9800,"woken":["worker-2","worker-3"],"kind":"context ended","service":"","thread":"","detail":""},{"parent":0,"segment":"withCancel","offsetNanos":12050,"woken":[],"kind":"context ended","service":"","thread":"","detail":""}]},{"id":6,"origin":"Context.background.withTimeout(250ms)","thread":"ctx4j-timer","site":"","startedAt":"2026-01-02T03:04:05Z","state":"DEADLINE_EXCEEDED","cause":"DeadlineExceededException","descendants":0,"durationNanos":900,"service":"","request":"","routine":false,"workStoppedNanos":-1,"hops":[{"parent":-1,"segment":"withTimeout(250ms)","offsetNanos":0,"woken":["db-1"],"kind":"context ended","service":"","thread":"","detail":""}]}]}
        """
            .strip(),
        Render.json(known));
  }

  @Test
  void json_knownTree_isWellFormed() {
    SyntaxCheck.json(Render.json(known));
  }

  @Test
  void html_knownTree_isWellFormedXmlWithOneNodePerContext() throws Exception {
    var doc = SyntaxCheck.xml(Render.html(known));
    var groups = doc.getElementsByTagNameNS("http://www.w3.org/2000/svg", "g");
    int nodes = 0;
    for (int i = 0; i < groups.getLength(); i++) {
      String cls = ((org.w3c.dom.Element) groups.item(i)).getAttribute("class");
      if (cls.startsWith("node ")) {
        nodes++;
      }
    }
    assertEquals(5, nodes); // the root and four contexts
  }

  @Test
  void html_knownTree_selfContainedWithChainOriginAndColours() {
    String html = Render.html(known);
    assertFalse(html.contains("src="), "no external script or image");
    assertFalse(html.contains("href="), "no external stylesheet or link");
    assertFalse(
        html.contains("http://") && html.replace("http://www.w3.org/", "").contains("http://"));
    assertTrue(html.contains("#7 IOException: client hung up · Context.background.withCancel"));
    assertTrue(html.contains("woke worker-2"));
    assertTrue(html.contains("g.cancelled rect.box"));
    assertTrue(html.contains("class=\"chain deadline\" id=\"chain-6\""));
  }

  @Test
  void html_hostileSegment_isEscaped() throws Exception {
    var node =
        new ContextTree.Node(
            9,
            "withValue(<script>alert('x')</script>&)",
            ContextTree.State.LIVE,
            null,
            List.of(),
            "",
            java.time.Duration.ZERO,
            List.of());
    var root =
        new ContextTree.Node(
            0,
            "Context.background",
            ContextTree.State.LIVE,
            null,
            List.of(),
            "",
            java.time.Duration.ZERO,
            List.of(node));
    String html = Render.html(new Snapshot(KnownTrees.AT, List.of(root), 1, 0, List.of()));
    assertFalse(html.contains("<script>alert"));
    SyntaxCheck.xml(html);
    SyntaxCheck.dot(Render.dot(new Snapshot(KnownTrees.AT, List.of(root), 1, 0, List.of())));
    SyntaxCheck.mermaid(
        Render.mermaid(new Snapshot(KnownTrees.AT, List.of(root), 1, 0, List.of())));
  }

  @Test
  void syntaxCheck_brokenInputs_rejected() {
    assertThrows(AssertionError.class, () -> SyntaxCheck.dot("digraph x { a -> ; }\n"));
    assertThrows(AssertionError.class, () -> SyntaxCheck.dot("digraph x { a [label=\"x]; }\n"));
    assertThrows(AssertionError.class, () -> SyntaxCheck.mermaid("flowchart TD\n  a[\"x\"\"]\n"));
    assertThrows(AssertionError.class, () -> SyntaxCheck.mermaid("flowchart TD\n  a --> b\n"));
    assertThrows(AssertionError.class, () -> SyntaxCheck.json("{\"a\":[1,}"));
  }
}
