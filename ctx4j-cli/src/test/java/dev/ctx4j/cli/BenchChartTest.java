package dev.ctx4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ctx4j.cli.BenchSource.Suite;
import dev.ctx4j.cli.BenchTable.Figure;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** The SVG chart of {@code ctx4j bench}: valid XML, one bar per measured ratio, a log axis. */
class BenchChartTest {
  private static Figure ns(double v) {
    return new Figure(v, "ns/op");
  }

  private static final BenchTargets TARGETS =
      BenchTargets.parse(
          """
          ratio | childCancel vs Go | childCancel@ctx4j | childCancel@go | 0.2
          every | * | | kotlin | 1.0
          """);

  /** Five ratios: childCancel vs Go, grpc and Kotlin; wake vs Kotlin; groupFailure vs the JDK. */
  private static BenchTable table() {
    BenchTable t = new BenchTable();
    t.put("childCancel", "", "ctx4j", ns(10), Suite.PROPAGATION);
    t.put("childCancel", "", "go", ns(100), null); // 0.1×
    t.put("childCancel", "", "grpc", ns(1), null); // 10×
    t.put("childCancel", "", "kotlin", ns(10), null); // 1×
    t.put("childCancel", "", "floor", ns(5), null); // a floor is no peer: no bar
    t.put("wake", "waiters=1000", "ctx4j", ns(1e6), Suite.PROPAGATION);
    t.put("wake", "waiters=1000", "kotlin", ns(1e8), null); // 0.01×
    t.put("groupFailure", "tasks=10 & <x>", "ctx4j", ns(2000), Suite.PROPAGATION);
    t.put("groupFailure", "tasks=10 & <x>", "jdk", ns(1000), null); // 2×
    t.put("floorUnpark", "waiters=1000", "floor", ns(1), null); // no ctx4j figure: no bar
    t.put("errLive", "", "ctx4j", ns(1), Suite.PROPAGATION); // no peer figure: no bar
    return t;
  }

  private static Document parse(String svg) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setNamespaceAware(true);
    return f.newDocumentBuilder()
        .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
  }

  private static List<Element> byClass(Document d, String cls) {
    List<Element> out = new ArrayList<>();
    NodeList all = d.getElementsByTagName("*");
    for (int i = 0; i < all.getLength(); i++) {
      Element e = (Element) all.item(i);
      if (cls.equals(e.getAttribute("class"))) {
        out.add(e);
      }
    }
    return out;
  }

  private static double attr(Element e, String name) {
    return Double.parseDouble(e.getAttribute(name));
  }

  @Test
  void svg_isWellFormedXml_withOneBarPerMeasuredRatio() throws Exception {
    Document d = parse(BenchChart.svg(table(), TARGETS));
    assertEquals("svg", d.getDocumentElement().getLocalName());
    assertEquals("http://www.w3.org/2000/svg", d.getDocumentElement().getNamespaceURI());
    List<Element> bars = byClass(d, "bar");
    assertEquals(5, bars.size());
    List<String> titles = new ArrayList<>();
    for (Element b : bars) {
      titles.add(b.getTextContent());
    }
    assertEquals(
        List.of(
            "childCancel vs Go 1.19: 0.10×",
            "childCancel vs grpc-java: 10.00×",
            "childCancel vs Kotlin coroutines: 1.00×",
            "wake waiters=1000 vs Kotlin coroutines: 0.01×",
            "groupFailure tasks=10 & <x> vs JDK 25 StructuredTaskScope: 2.00×"),
        titles);
  }

  @Test
  void axis_isLogarithmic_ratiosAndTheirInversesAreEquallyFarFromOne() throws Exception {
    Document d = parse(BenchChart.svg(table(), TARGETS));
    List<Element> bars = byClass(d, "bar");
    Element tenthOfGo = bars.get(0);
    Element tenTimesGrpc = bars.get(1);
    Element hundredthOfKotlin = bars.get(3);
    BenchChart.Axis axis = new BenchChart.Axis(-2, 1);
    double one = axis.x(1);
    // 0.1× ends at x(0.1) and reaches 1×; 10× starts at 1×: the same length on a log axis
    assertEquals(axis.x(0.1), attr(tenthOfGo, "x"), 0.1);
    assertEquals(one, attr(tenthOfGo, "x") + attr(tenthOfGo, "width"), 0.1);
    assertEquals(one, attr(tenTimesGrpc, "x"), 0.1);
    assertEquals(attr(tenthOfGo, "width"), attr(tenTimesGrpc, "width"), 0.1);
    // 0.01× is two decades: twice as long as 0.1×
    assertEquals(2 * attr(tenthOfGo, "width"), attr(hundredthOfKotlin, "width"), 0.1);
    // one grid line per decade from 0.01× to 10×, labelled
    List<String> ticks = new ArrayList<>();
    for (Element e : byClass(d, "tick")) {
      if (!ticks.contains(e.getTextContent())) {
        ticks.add(e.getTextContent());
      }
    }
    assertEquals(List.of("0.01×", "0.1×", "1×", "10×"), ticks);
    assertEquals(4, byClass(d, "grid").size());
  }

  @Test
  void targets_areDrawnAsLinesAtTheirLimit_onlyWhereATargetExists() throws Exception {
    Document d = parse(BenchChart.svg(table(), TARGETS));
    List<Element> lines = byClass(d, "target");
    // childCancel vs Go (ratio line 0.2), childCancel and wake vs Kotlin (every-line 1.0)
    assertEquals(3, lines.size());
    BenchChart.Axis axis = new BenchChart.Axis(-2, 1);
    assertEquals(axis.x(0.2), attr(lines.get(0), "x1"), 0.1);
    assertEquals(axis.x(1.0), attr(lines.get(1), "x1"), 0.1);
    assertEquals(axis.x(1.0), attr(lines.get(2), "x1"), 0.1);
  }

  @Test
  void peerTargets_nameThePeer_andKotlinWakeIsShownButNotChecked() {
    BenchTable t = table();
    t.put("childCancel", "", "kotlin", ns(100), null);
    List<String> lines = BenchTargets.load().check(t);
    assertTrue(lines.contains("met     childCancel vs Kotlin: 0.10× (target ≤ 1.00×)"), "" + lines);
    assertTrue(
        lines.contains(
            "NOT met groupFailure tasks=10 & <x> vs StructuredTaskScope: 2.00× (target ≤ 1.00×,"
                + " 2.0× over)"),
        "" + lines);
    assertTrue(
        lines.stream().noneMatch(l -> l.contains("wake waiters=1000 vs Kotlin")), "" + lines);
  }

  @Test
  void emptyTable_stillAValidChart() throws Exception {
    Document d = parse(BenchChart.svg(new BenchTable(), TARGETS));
    assertTrue(byClass(d, "bar").isEmpty());
    assertEquals(3, byClass(d, "grid").size(), "0.1× to 10×");
  }

  @Test
  void publishedTable_readBack_drawsTheSameRatios() throws Exception {
    List<String> md =
        List.of(
            "# ctx4j benchmarks",
            "## Results",
            "",
            "| benchmark | params | ctx4j | grpc | Go 1.19 | ctx4j/grpc | ctx4j/Go | Kotlin | JDK 25"
                + " | ctx4j/Kotlin | ctx4j/JDK |",
            "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
            "| childCancel |  | 30.10 ns/op | 16.91 ns/op | 143 ns/op | 1.78× | 0.21× | 301 ns/op |"
                + "  |  |  |",
            "| floorChild (floor) |  | 14.20 ns/op |  |  |  |  |  |  |  |  |",
            "| wake | waiters=1000 | 1.36 ms/op | 2.06 ms/op | 586.0 µs/op | 0.66× | 2.31× |  |  |"
                + "  |  |",
            "| retainedWithCancel |  | 40.2 B/ctx | 80.0 B/ctx | 107.4 B/ctx | 0.50× | 0.37× |  |  |"
                + "  |  |",
            "",
            "## Targets");
    BenchTable t = BenchMarkdown.read(md);
    assertEquals(2.06e6, t.get("wake", "waiters=1000", "grpc").value(), 1);
    assertEquals(586.0e3, t.get("wake", "waiters=1000", "go").value(), 1);
    assertEquals(14.2, t.get("floorChild", "", "floor").value(), 1e-9);
    assertEquals(301, t.get("childCancel", "", "kotlin").value(), 1e-9);
    List<String> titles = new ArrayList<>();
    for (Element b : byClass(parse(BenchChart.svg(t, TARGETS)), "bar")) {
      titles.add(b.getTextContent());
    }
    assertEquals(
        List.of(
            "childCancel vs Go 1.19: 0.21×",
            "childCancel vs grpc-java: 1.78×",
            "childCancel vs Kotlin coroutines: 0.10×",
            "wake waiters=1000 vs Go 1.19: 2.32×",
            "wake waiters=1000 vs grpc-java: 0.66×",
            "retainedWithCancel vs Go 1.19: 0.37×",
            "retainedWithCancel vs grpc-java: 0.50×"),
        titles);
  }
}
