package dev.ctx4j.observe;

/** Prints every rendering of the known tree (run by hand when a renderer changes on purpose). */
final class RenderProbe {
  private RenderProbe() {}

  public static void main(String[] args) {
    var s = KnownTrees.requestTree();
    System.out.println("=== text\n" + Render.text(s));
    System.out.println("=== mermaid\n" + Render.mermaid(s));
    System.out.println("=== dot\n" + Render.dot(s));
    System.out.println("=== json\n" + Render.json(s));
  }
}
