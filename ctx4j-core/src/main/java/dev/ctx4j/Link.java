package dev.ctx4j;

/**
 * An entry in a cancel node's lock-free, singly linked stack of dependents: child nodes, parked
 * waiters, {@code afterDone} callbacks and interrupters. While the owner is live, {@link #next} is
 * written only by the thread pushing the entry (before it is published) and by the owner's one
 * sweeper (bypassing dead entries); once the owner is done the list is frozen and belongs to the
 * one thread that won the owner's cancel, which reuses {@code next} as its walk stack.
 */
abstract class Link {
  Link next; // see the class comment for who may write it

  /**
   * Called once by the cancelling thread when the owner becomes done. Must return quickly, never
   * block and never run user code inline (hand it to an executor instead).
   */
  abstract void fire(CancelNode owner);

  /**
   * True once this entry no longer needs its owner: the owner's sweeper may then drop it. Must
   * never be true of an entry that still wants {@link #fire}. Entries that cannot tell say false
   * and are removed only from the top of the stack or when the owner is done.
   */
  boolean isDead() {
    return false;
  }
}
