package dev.ctx4j;

/**
 * An entry in a cancel node's intrusive, doubly linked list of dependents: child nodes, parked
 * waiters, {@code afterDone} callbacks and interrupters. Links are guarded by the owning {@link
 * CancelNode}'s monitor while it is live; once it is done the list is frozen and belongs to the one
 * thread that won the node's cancel.
 */
abstract class Link {
  Link prev; // guarded by the owner's monitor
  Link next; // guarded by the owner's monitor; reused as the cancel walk's stack link

  /**
   * Called once by the cancelling thread when the owner becomes done. Must return quickly, never
   * block and never run user code inline (hand it to an executor instead).
   */
  abstract void fire(CancelNode owner);
}
