package dev.ctx4j;

/** Go's {@code withoutCancelCtx}: the parent's values, but never done and no deadline (S17). */
final class DetachedNode extends Node {
  DetachedNode(Node parent) {
    super(parent);
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
    return "withoutCancel";
  }
}
