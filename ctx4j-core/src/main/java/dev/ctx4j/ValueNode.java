package dev.ctx4j;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Go's {@code valueCtx}: one key-value binding; everything else is the parent's (S16).
 *
 * <p>Lookups (ADR 0021) start at the nearest value node and take the first of three paths that
 * applies:
 *
 * <ol>
 *   <li><b>Filter.</b> {@link #keys} has the {@link Key#bit} of every key bound here or above (a
 *       superset: bits collide, and a chain it could not follow cheaply has every bit). A key whose
 *       bit is clear is bound nowhere on the path: the answer is null at once.
 *   <li><b>Index.</b> Once built, {@link #index} answers for the whole path in one probe or a few.
 *   <li><b>Walk.</b> Toward the root, as Go does, stopping at the binding, at a value node whose
 *       filter lacks the bit, or at an ancestor's index. A node whose walks were long ({@value
 *       #SHORT} or more nodes) twice builds its own index, so a chain looked up once per level
 *       builds none.
 * </ol>
 *
 * <p>The index is an open-addressing table {@code [key0, value0, key1, value1, ...]} of the nearest
 * binding of every key on the path, filled at most half, built once and never changed. It is
 * published with a compare-and-set (a release store) and read with an acquire load, so a reader
 * sees it whole or not at all; two threads that build it at once build equal tables and the first
 * wins. Before the table exists the field holds {@link #SLOW_ONCE} (an empty array) after the first
 * long walk.
 */
final class ValueNode extends Node {
  /** A walk over this many nodes or more counts toward building an index. */
  static final int SHORT = 8;

  /** Non-value nodes the constructor passes on its way to the parent's filter before giving up. */
  static final int FILTER_HOPS = 16;

  /** The filter of a node whose ancestors were not followed: every key may be bound. */
  static final long ALL_KEYS = -1L;

  /** {@link #index} after one long walk; any second one builds the table. */
  private static final Object[] SLOW_ONCE = {};

  private static final VarHandle INDEX;

  static {
    try {
      INDEX = MethodHandles.lookup().findVarHandle(ValueNode.class, "index", Object[].class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  final Key<?> key;
  final Object value;
  private final CancelNode scope; // the parent's scope, cached: isDone() is one hop

  /** The bits of every key bound here or toward the root, or more. */
  final long keys;

  /** Null, {@link #SLOW_ONCE}, or the index table; only through {@link #INDEX}. */
  @SuppressWarnings("unused") // accessed through INDEX
  private Object[] index;

  ValueNode(Node parent, Key<?> key, Object value) {
    super(parent);
    this.key = key;
    this.value = value;
    this.scope = parent.scope();
    this.keys = key.bit | inheritedKeys(parent);
  }

  /** The filter of the nearest value node at or above {@code n}; nothing bound above a root. */
  private static long inheritedKeys(Node n) {
    for (int hops = 0; n != null; n = n.parent, hops++) {
      if (n instanceof ValueNode v) {
        return v.keys;
      }
      if (hops == FILTER_HOPS) {
        return ALL_KEYS; // a long chain without values: do not make withValue walk it each time
      }
    }
    return 0L;
  }

  @Override
  CancelNode scope() {
    return scope;
  }

  @Override
  Deadline deadlineOrNull() {
    return scope == null ? null : scope.deadlineOrNull(); // a deadline always belongs to a scope
  }

  @Override
  String segment() {
    return "withValue(" + key.name() + ")";
  }

  /** The value of the nearest binding of {@code key} at or above this node, else null. */
  Object find(Key<?> key) {
    long bit = key.bit;
    if ((keys & bit) == 0) {
      return null;
    }
    Object[] state = (Object[]) INDEX.getAcquire(this);
    if (state != null && state.length != 0) {
      return probe(state, key);
    }
    return walk(key, bit, state);
  }

  private Object walk(Key<?> key, long bit, Object[] state) {
    int steps = 0;
    Object found = null;
    for (Node n = this; n != null; n = n.parent) {
      if (n instanceof ValueNode v) {
        if (v.key == key) {
          found = v.value;
          break;
        }
        if ((v.keys & bit) == 0) {
          break;
        }
        Object[] t = v == this ? null : v.table();
        if (t != null) {
          found = probe(t, key);
          break;
        }
      }
      steps++;
    }
    if (steps >= SHORT) {
      // compare-and-set: a slower thread never turns a built table back into a mark
      INDEX.compareAndSet(this, state, state == null ? SLOW_ONCE : build());
    }
    return found;
  }

  /** The index table, or null while there is none. */
  Object[] table() {
    Object[] t = (Object[]) INDEX.getAcquire(this);
    return t == null || t.length == 0 ? null : t;
  }

  /** The value bound to {@code key} in table {@code t}, or null when it holds no such key. */
  static Object probe(Object[] t, Key<?> key) {
    int mask = t.length - 2;
    for (int i = (key.hash << 1) & mask; ; i = (i + 2) & mask) {
      Object k = t[i];
      if (k == key) {
        return t[i + 1];
      }
      if (k == null) {
        return null; // the table is at most half full: every probe sequence meets an empty slot
      }
    }
  }

  /**
   * A table of the nearest binding of every key at or above this node: the bindings up to the
   * nearest ancestor that has a table, then that table's.
   */
  Object[] build() {
    int bound = 0; // at least the number of keys the table will hold
    ValueNode baseNode = null; // the nearest ancestor with a table
    Object[] base = null;
    for (Node n = this; n != null && base == null; n = n.parent) {
      if (n instanceof ValueNode v) {
        base = v == this ? null : v.table();
        if (base == null) {
          bound++;
        } else {
          baseNode = v;
          for (int i = 0; i < base.length; i += 2) {
            if (base[i] != null) {
              bound++; // the keys it holds, not its capacity: chained tables would double
            }
          }
        }
      }
    }
    int slots = Integer.highestOneBit(Math.max(2, bound) * 2 - 1) << 1; // a power of two >= 2*bound
    Object[] t = new Object[2 * slots];
    for (Node n = this; n != baseNode; n = n.parent) {
      if (n instanceof ValueNode v) {
        insert(t, v.key, v.value);
      }
    }
    if (base != null) {
      for (int i = 0; i < base.length; i += 2) {
        if (base[i] != null) {
          insert(t, (Key<?>) base[i], base[i + 1]);
        }
      }
    }
    return t;
  }

  /** Adds {@code key -> value} unless the table has the key already (a nearer binding). */
  private static void insert(Object[] t, Key<?> key, Object value) {
    int mask = t.length - 2;
    for (int i = (key.hash << 1) & mask; ; i = (i + 2) & mask) {
      Object k = t[i];
      if (k == key) {
        return;
      }
      if (k == null) {
        t[i] = key;
        t[i + 1] = value;
        return;
      }
    }
  }
}
