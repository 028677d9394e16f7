package dev.ctx4j.http;

import java.net.http.HttpResponse.BodySubscriber;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A body subscriber that can be aborted from another thread while the body streams: the upstream
 * subscription is cancelled (the JDK client then drops the exchange) and the downstream subscriber
 * gets {@code onError}. Signals to the downstream stay serial, as Reactive Streams requires,
 * through a lock-free drain loop: whichever thread finds the loop idle runs it; user code never
 * runs under a lock.
 */
final class AbortableSubscriber<T> implements BodySubscriber<T> {
  private final BodySubscriber<T> downstream;
  private final Runnable onTerminal;
  private final Queue<Runnable> signals = new ConcurrentLinkedQueue<>();
  private final AtomicInteger pending = new AtomicInteger();
  private volatile Flow.Subscription upstream;
  private volatile Throwable abortedWith;
  private boolean terminated; // drain loop only

  AbortableSubscriber(BodySubscriber<T> downstream, Runnable onTerminal) {
    this.downstream = downstream;
    this.onTerminal = onTerminal;
  }

  @Override
  public CompletionStage<T> getBody() {
    return downstream.getBody();
  }

  @Override
  public void onSubscribe(Flow.Subscription subscription) {
    upstream = subscription;
    if (abortedWith != null) {
      subscription.cancel();
    }
    signal(() -> downstream.onSubscribe(subscription));
  }

  @Override
  public void onNext(List<ByteBuffer> item) {
    signal(
        () -> {
          if (abortedWith == null) {
            downstream.onNext(item);
          }
        });
  }

  @Override
  public void onError(Throwable throwable) {
    signal(() -> terminate(throwable));
  }

  @Override
  public void onComplete() {
    signal(() -> terminate(null));
  }

  /** Stops the body: cancels the upstream and fails the downstream with {@code cause}. */
  void abort(Throwable cause) {
    if (abortedWith != null) {
      return;
    }
    abortedWith = cause;
    Flow.Subscription s = upstream;
    if (s != null) {
      s.cancel();
      signal(() -> terminate(cause));
    }
    // Not subscribed yet: onSubscribe cancels, and the downstream fails after it subscribed.
  }

  private void terminate(Throwable failure) {
    if (terminated) {
      return;
    }
    terminated = true;
    try {
      Throwable cause = abortedWith != null ? abortedWith : failure;
      if (cause == null) {
        downstream.onComplete();
      } else {
        downstream.onError(cause);
      }
    } finally {
      onTerminal.run();
    }
  }

  private void signal(Runnable s) {
    signals.add(s);
    if (pending.getAndIncrement() != 0) {
      return; // another thread is draining and will run s
    }
    int missed = 1;
    do {
      Runnable next;
      while ((next = signals.poll()) != null) {
        next.run();
        if (abortedWith != null && !terminated && upstream != null) {
          terminate(abortedWith);
        }
      }
      missed = pending.addAndGet(-missed);
    } while (missed != 0);
  }
}
