package dev.ctx4j;

import java.util.Arrays;

/**
 * A binary min-heap of timed nodes ordered by deadline, intrusive: each node keeps its own index
 * ({@link TimerNode#heapIndex}), so removal is O(log n) and needs no search and no extra object.
 * Not thread-safe: callers hold the owner's lock.
 */
final class TimerHeap {
  private TimerNode[] queue = new TimerNode[16];
  private int size;

  int size() {
    return size;
  }

  TimerNode peek() {
    return size == 0 ? null : queue[0];
  }

  /** Adds {@code n}; returns true if it became the earliest. */
  boolean add(TimerNode n) {
    if (size == queue.length) {
      queue = Arrays.copyOf(queue, size * 2);
    }
    int i = size++;
    siftUp(i, n);
    return queue[0] == n;
  }

  /** Removes {@code n} if present. */
  void remove(TimerNode n) {
    int i = n.heapIndex;
    if (i < 0 || i >= size || queue[i] != n) {
      return;
    }
    n.heapIndex = -1;
    int last = --size;
    TimerNode moved = queue[last];
    queue[last] = null;
    if (i != last) {
      siftDown(i, moved);
      if (queue[i] == moved) {
        siftUp(i, moved);
      }
    }
    shrinkIfSparse();
  }

  TimerNode poll() {
    TimerNode first = peek();
    if (first != null) {
      remove(first);
    }
    return first;
  }

  /** Gives memory back after a burst of timers, so an idle scheduler retains nothing. */
  private void shrinkIfSparse() {
    if (queue.length > 64 && size < queue.length / 4) {
      queue = Arrays.copyOf(queue, Math.max(16, queue.length / 2));
    }
  }

  private void siftUp(int i, TimerNode n) {
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      TimerNode p = queue[parent];
      if (n.when() - p.when() >= 0) {
        break;
      }
      queue[i] = p;
      p.heapIndex = i;
      i = parent;
    }
    queue[i] = n;
    n.heapIndex = i;
  }

  private void siftDown(int i, TimerNode n) {
    int half = size >>> 1;
    while (i < half) {
      int child = 2 * i + 1;
      TimerNode c = queue[child];
      int right = child + 1;
      if (right < size && c.when() - queue[right].when() > 0) {
        child = right;
        c = queue[child];
      }
      if (n.when() - c.when() <= 0) {
        break;
      }
      queue[i] = c;
      c.heapIndex = i;
      i = child;
    }
    queue[i] = n;
    n.heapIndex = i;
  }
}
