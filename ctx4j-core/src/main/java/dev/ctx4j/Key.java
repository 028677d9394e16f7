package dev.ctx4j;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A typed key for {@link Context#withValue}. Keys compare by identity: two keys made with the same
 * name are different keys. The name is used only by {@code toString()} and by renderers.
 *
 * <p>Create keys once, in a {@code static final} field; a key made per call can never be found
 * again.
 *
 * @param <T> the type of the value bound to this key
 */
@SuppressWarnings("UnusedTypeParameter") // T types the values bound with this key
public final class Key<T> {
  /** Counts the keys made so far; each key's number is spread into {@link #hash}. */
  private static final AtomicInteger MADE = new AtomicInteger();

  private final String name;

  /**
   * The key's number times 2^32/phi (Fibonacci hashing): consecutive keys land far apart. The low
   * bits place the key in a {@link ValueNode} index table, the top six bits pick its {@link #bit}.
   */
  final int hash;

  /** This key's one bit in a {@link ValueNode}'s key filter. */
  final long bit;

  private Key(String name) {
    this.name = name;
    this.hash = MADE.getAndIncrement() * 0x9E3779B9;
    this.bit = 1L << (hash >>> 26);
  }

  /**
   * Returns a new key with the given name.
   *
   * @throws NullPointerException if {@code name} is null
   */
  public static <T> Key<T> named(String name) {
    return new Key<>(Objects.requireNonNull(name, "name"));
  }

  /** Returns the name given to {@link #named}. */
  public String name() {
    return name;
  }

  @Override
  public String toString() {
    return "Key(" + name + ")";
  }
}
