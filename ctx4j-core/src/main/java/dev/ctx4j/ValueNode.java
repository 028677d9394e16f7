package dev.ctx4j;

/** Go's {@code valueCtx}: one key-value binding; everything else is the parent's (S16). */
final class ValueNode extends Node {
  final Key<?> key;
  final Object value;
  private final CancelNode scope; // the parent's scope, cached: isDone() is one hop
  private final Deadline deadline; // the parent's deadline, cached

  ValueNode(Node parent, Key<?> key, Object value) {
    super(parent);
    this.key = key;
    this.value = value;
    this.scope = parent.scope();
    this.deadline = parent.deadlineOrNull();
  }

  @Override
  CancelNode scope() {
    return scope;
  }

  @Override
  Deadline deadlineOrNull() {
    return deadline;
  }

  @Override
  String segment() {
    return "withValue(" + key.name() + ")";
  }
}
