package dev.ctx4j;

import java.util.Objects;

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
  private final String name;

  private Key(String name) {
    this.name = name;
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
