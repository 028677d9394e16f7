package dev.ctx4j.jdbc;

import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.ctx4j.CancellableContext;
import dev.ctx4j.Context;
import dev.ctx4j.Key;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The wrapper watches only contexts that can end. For those that never can (roots, {@code
 * withoutCancel()}, value chains over them; core's one answer) a connection is opened on the
 * caller's thread with no helper thread watching; a context that can end is still watched.
 */
class NeverEndsFastPathTest {
  @AfterEach
  void nothingLeftBound() {
    assertSame(Context.background(), Context.current());
  }

  @Test
  void neverEndingContexts_connectOnTheCallersThread_othersAreWatched() throws Exception {
    AtomicReference<Thread> openedOn = new AtomicReference<>();
    DataSource raw = new Fake().dataSource();
    DataSource recording =
        (DataSource)
            Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                  if (method.getName().equals("getConnection")) {
                    openedOn.set(Thread.currentThread());
                  }
                  return method.invoke(raw, args);
                });
    DataSource wrapped = ContextDataSource.wrap(recording);
    Key<String> key = Key.named("k");
    try (CancellableContext live = Context.background().withCancel()) {
      for (Context c :
          List.of(
              Context.todo(),
              live.withoutCancel(),
              live.withValue(key, "v").withoutCancel().withValue(key, "w"))) {
        try (Connection unused = c.call(wrapped::getConnection)) {
          assertSame(Thread.currentThread(), openedOn.get(), c + ": opened without a watcher");
        }
      }
      try (Connection unused = live.withValue(key, "v").call(wrapped::getConnection)) {
        assertNotSame(Thread.currentThread(), openedOn.get(), "a context that can end is watched");
      }
    }
  }
}
