package dev.ctx4j;

/**
 * {@link CancellableContext#readOnly()}: the same context for every reader — done-ness, err, cause,
 * deadline, values and name — but not a {@link CancellableContext}, so code that receives it cannot
 * cancel it.
 */
final class ViewNode extends Node {
  private final CancelNode scope;

  ViewNode(CancelNode viewed) {
    super(viewed);
    this.scope = viewed;
  }

  @Override
  CancelNode scope() {
    return scope;
  }

  @Override
  Deadline deadlineOrNull() {
    return scope.deadlineOrNull();
  }

  @Override
  String segment() {
    return null; // invisible in names: a view is the context it shows
  }
}
