package dev.ctx4j;

/** Go's {@code backgroundCtx} and {@code todoCtx}: never done, no deadline, no values (S1). */
final class RootNode extends Node {
  static final RootNode BACKGROUND = new RootNode("Context.background");
  static final RootNode TODO = new RootNode("Context.todo");

  private final String name;

  private RootNode(String name) {
    super(null);
    this.name = name;
  }

  @Override
  CancelNode scope() {
    return null;
  }

  @Override
  Deadline deadlineOrNull() {
    return null;
  }

  @Override
  String segment() {
    return name;
  }

  @Override
  public String toString() {
    return name;
  }
}
