package dev.parley.client;

import dev.parley.client.time.Cancellable;
import dev.parley.protocol.im.Frame;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Requests of the app (history, conversations, groups, presence, read cursors): sent when online,
 * else held until the next login; each fails after the request timeout. When the link drops with
 * one in flight, a request that is safe to repeat is sent again after the next login; one that is
 * not (creating a group) fails with {@code CONNECTION_LOST}. I/O loop only.
 */
final class Calls {
  private final Engine engine;
  private final ArrayDeque<Call> waiting = new ArrayDeque<>();
  private final Set<Call> inflight = new LinkedHashSet<>();

  Calls(Engine engine) {
    this.engine = engine;
  }

  private final class Call implements Requests.Caller {
    final Frame.Builder body;
    final boolean repeatable;
    final CompletableFuture<Frame> future;
    Cancellable timeout = Cancellable.NONE;

    Call(Frame.Builder body, boolean repeatable, CompletableFuture<Frame> future) {
      this.body = body;
      this.repeatable = repeatable;
      this.future = future;
    }

    @Override
    public void answered(Frame f) {
      if (!inflight.remove(this)) {
        return;
      }
      timeout.cancel();
      if (f.hasError()) {
        engine.listeners.fail(future, ParleyException.refused(f.getError()));
      } else {
        engine.listeners.complete(future, f);
      }
    }

    @Override
    public void lost() {
      if (!inflight.remove(this)) {
        return;
      }
      if (repeatable) {
        waiting.add(this);
      } else {
        timeout.cancel();
        engine.listeners.fail(future, ParleyException.of(ParleyException.Kind.CONNECTION_LOST,
            "the connection dropped before the answer; the request may or may not have taken effect"));
      }
    }
  }

  void submit(Frame.Builder body, boolean repeatable, CompletableFuture<Frame> future) {
    Call c = new Call(body, repeatable, future);
    long timeout = engine.cfg.requestTimeout.toMillis();
    c.timeout = engine.schedule(timeout, () -> {
      if (waiting.remove(c) | inflight.remove(c)) {
        engine.listeners.fail(future, ParleyException.of(ParleyException.Kind.TIMEOUT, "no answer within " + timeout
            + " ms" + (engine.isOnline() ? "" : " (offline)")));
      }
    });
    if (engine.isOnline()) {
      transmit(c);
    } else {
      waiting.add(c);
    }
  }

  private void transmit(Call c) {
    inflight.add(c);
    engine.send(c.body, c);
  }

  /** After a login: what waited goes out, in order. */
  void online() {
    while (!waiting.isEmpty()) {
      transmit(waiting.poll());
    }
  }

  void failAll(ParleyException ex) {
    List<Call> all = new ArrayList<>(waiting);
    all.addAll(inflight);
    waiting.clear();
    inflight.clear();
    for (Call c : all) {
      c.timeout.cancel();
      engine.listeners.fail(c.future, ex);
    }
  }
}
