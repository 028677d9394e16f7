package dev.ctx4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One shard of armed timers: deadlines grouped in coarse time windows ("buckets", {@value #SHIFT}
 * bits of nanoseconds, about 65 µs), each an intrusive doubly linked list of {@link TimerNode}s in
 * arming order, and a binary min-heap of the non-empty buckets ordered by a lower bound of their
 * earliest deadline.
 *
 * <p>Arming and disarming are O(1): a bucket is found through a small direct-mapped cache of recent
 * windows, a node is appended to or unlinked from its list, and the bucket heap changes only when a
 * bucket fills its first slot, empties, or gets an earlier minimum. A bucket that empties leaves
 * the heap at once (memory stays proportional to the armed timers); if it is cached it is kept, out
 * of the heap, and reused for the next window that maps to its slot, so steady arm/disarm traffic
 * allocates nothing.
 *
 * <p>Expiry stays exact: a bucket's {@code min} is a lower bound of its deadlines (exact after a
 * scan), the scheduler sleeps until the smallest one, and only nodes whose own deadline has passed
 * are taken. Two buckets may cover the same window (after a cache eviction); ordering the heap by
 * the lower bound rather than by window keeps that harmless.
 *
 * <p>Not thread-safe: callers hold this object's monitor. A node's {@link TimerNode#bucket} is
 * non-null exactly while it is in this structure.
 */
final class TimerBuckets {
  static final int SHIFT = 16;
  private static final int CACHE = 8; // power of two

  /** A window of deadlines: the list of its armed nodes. */
  static final class Bucket {
    long start; // the window: every node's deadline d has d & WINDOW == start
    long min; // while non-empty: no node's deadline is earlier
    TimerNode head;
    TimerNode tail;
    int count;
    int heapIndex = -1; // -1 when empty (not in the heap)
  }

  private static final long WINDOW = -(1L << SHIFT);

  private final Bucket[] cache = new Bucket[CACHE];
  private Bucket[] heap = new Bucket[8];
  private int buckets; // in the heap: the non-empty ones
  private int size; // armed nodes

  int size() {
    return size;
  }

  boolean isEmpty() {
    return size == 0;
  }

  /** A lower bound of the earliest armed deadline; only meaningful when not {@link #isEmpty()}. */
  long earliest() {
    return heap[0].min;
  }

  /** Arms {@code n}, which must not be armed. */
  void add(TimerNode n) {
    long d = n.when();
    long start = d & WINDOW;
    int slot = (int) (d >>> SHIFT) & (CACHE - 1);
    Bucket b = cache[slot];
    if (b == null || b.start != start) {
      if (b == null || b.count != 0) {
        b = new Bucket(); // a non-empty evicted bucket stays in the heap until it empties
        cache[slot] = b;
      }
      b.start = start; // an empty cached bucket is out of the heap: reuse it for this window
    }
    TimerNode t = b.tail;
    n.bucket = b;
    n.timerPrev = t;
    if (t == null) {
      b.head = n;
    } else {
      t.timerNext = n;
    }
    b.tail = n;
    size++;
    if (b.count++ == 0) {
      b.min = d;
      heapAdd(b);
    } else if (d - b.min < 0) {
      b.min = d;
      siftUp(b.heapIndex, b);
    }
  }

  /** Disarms {@code n}; returns false if it was not armed. */
  boolean remove(TimerNode n) {
    Bucket b = n.bucket;
    if (b == null) {
      return false;
    }
    unlink(b, n);
    if (b.count == 0) {
      heapRemove(b);
    }
    return true;
  }

  /**
   * Takes every node whose deadline is at or before {@code now} and adds it to {@code out} (created
   * if null and needed), in no particular order; returns {@code out}.
   */
  List<TimerNode> takeDue(long now, List<TimerNode> out) {
    while (buckets > 0) {
      Bucket b = heap[0];
      if (b.min - now > 0) {
        break;
      }
      long next = 0;
      boolean rest = false;
      TimerNode n = b.head;
      while (n != null) {
        TimerNode following = n.timerNext;
        long w = n.when();
        if (w - now <= 0) {
          unlink(b, n);
          if (out == null) {
            out = new ArrayList<>();
          }
          out.add(n);
        } else if (!rest || w - next < 0) {
          next = w;
          rest = true;
        }
        n = following;
      }
      if (b.count == 0) {
        heapRemove(b);
      } else {
        b.min = next; // exact now, and later than now: the bucket sinks
        siftDown(0, b);
      }
    }
    return out;
  }

  /**
   * Takes the earliest armed node if its deadline is at or before {@code now}, else returns null.
   * O(bucket size): for the manual test clock, which fires one timer at a time.
   */
  TimerNode pollDue(long now) {
    while (buckets > 0) {
      Bucket b = heap[0];
      if (b.min - now > 0) {
        return null;
      }
      TimerNode first = b.head;
      for (TimerNode n = first.timerNext; n != null; n = n.timerNext) {
        if (n.when() - first.when() < 0) {
          first = n;
        }
      }
      long w = first.when();
      if (w == b.min) { // the bound is exact, and no other bucket's bound is lower
        unlink(b, first);
        if (b.count == 0) {
          heapRemove(b);
        }
        return first;
      }
      b.min = w; // the bound was stale: tighten it and look again
      siftDown(0, b);
    }
    return null;
  }

  private void unlink(Bucket b, TimerNode n) {
    TimerNode p = n.timerPrev;
    TimerNode x = n.timerNext;
    if (p == null) {
      b.head = x;
    } else {
      p.timerNext = x;
    }
    if (x == null) {
      b.tail = p;
    } else {
      x.timerPrev = p;
    }
    n.timerPrev = null;
    n.timerNext = null;
    n.bucket = null;
    b.count--;
    size--;
  }

  /** Test and diagnostics hook: buckets in the heap (each holds at least one armed node). */
  int bucketCount() {
    return buckets;
  }

  /** Test hook: checks every structural invariant; throws {@link IllegalStateException}. */
  @SuppressWarnings("ReferenceEquality") // list and heap membership is identity
  void checkInvariants() {
    int total = 0;
    for (int i = 0; i < buckets; i++) {
      Bucket b = heap[i];
      check(b.heapIndex == i, "heap index");
      check(i == 0 || heap[(i - 1) >>> 1].min - b.min <= 0, "heap order");
      check(b.count > 0, "empty bucket in the heap");
      int n = 0;
      TimerNode prev = null;
      for (TimerNode x = b.head; x != null; x = x.timerNext) {
        check(x.bucket == b && x.timerPrev == prev, "list links");
        check((x.when() & WINDOW) == b.start, "node outside its bucket's window");
        check(x.when() - b.min >= 0, "bucket bound above a deadline");
        prev = x;
        n++;
      }
      check(b.tail == prev && n == b.count, "bucket count or tail");
      total += n;
    }
    check(total == size, "size " + size + " but " + total + " linked");
    for (Bucket b : cache) {
      check(b == null || b.count > 0 || b.heapIndex == -1, "empty cached bucket in the heap");
    }
  }

  private static void check(boolean ok, String what) {
    if (!ok) {
      throw new IllegalStateException(what);
    }
  }

  // ---- the bucket heap ---------------------------------------------------------------------

  private void heapAdd(Bucket b) {
    if (buckets == heap.length) {
      heap = Arrays.copyOf(heap, buckets * 2);
    }
    siftUp(buckets++, b);
  }

  private void heapRemove(Bucket b) {
    int i = b.heapIndex;
    b.heapIndex = -1;
    b.head = null;
    b.tail = null;
    int last = --buckets;
    Bucket moved = heap[last];
    heap[last] = null;
    if (i != last) {
      siftDown(i, moved);
      if (heap[i] == moved) {
        siftUp(i, moved);
      }
    }
    if (heap.length > 64 && buckets < heap.length / 4) {
      heap = Arrays.copyOf(heap, heap.length / 2); // give memory back after a burst
    }
  }

  private void siftUp(int i, Bucket b) {
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      Bucket p = heap[parent];
      if (b.min - p.min >= 0) {
        break;
      }
      heap[i] = p;
      p.heapIndex = i;
      i = parent;
    }
    heap[i] = b;
    b.heapIndex = i;
  }

  private void siftDown(int i, Bucket b) {
    int half = buckets >>> 1;
    while (i < half) {
      int child = 2 * i + 1;
      Bucket c = heap[child];
      int right = child + 1;
      if (right < buckets && c.min - heap[right].min > 0) {
        child = right;
        c = heap[child];
      }
      if (b.min - c.min <= 0) {
        break;
      }
      heap[i] = c;
      c.heapIndex = i;
      i = child;
    }
    heap[i] = b;
    b.heapIndex = i;
  }
}
