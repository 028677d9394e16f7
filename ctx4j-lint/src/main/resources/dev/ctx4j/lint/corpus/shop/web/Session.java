package shop.web;

import dev.ctx4j.Context;
import java.util.HashMap;
import java.util.Map;

/** A user session that keeps the context of the request that opened it. */
public final class Session {
  private final Context opened; // expect: context-in-field
  private final Map<String, String> attributes = new HashMap<>();

  public Session(Context opened) {
    this.opened = opened;
  }

  public String attribute(String name) {
    return opened.isDone() ? null : attributes.get(name);
  }
}
