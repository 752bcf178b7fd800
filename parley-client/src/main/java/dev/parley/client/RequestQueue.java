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
final class RequestQueue {
  private final Connection conn;
  private final LoopTimers timers;
  private final Listeners listeners;
  private final long timeoutMillis;
  private final ArrayDeque<Call> waiting = new ArrayDeque<>();
  private final Set<Call> inflight = new LinkedHashSet<>();

  RequestQueue(Connection conn, LoopTimers timers, Listeners listeners, long timeoutMillis) {
    this.conn = conn;
    this.timers = timers;
    this.listeners = listeners;
    this.timeoutMillis = timeoutMillis;
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
        listeners.fail(future, ParleyException.refused(f.getError()));
      } else {
        listeners.complete(future, f);
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
        listeners.fail(future, ParleyException.of(ParleyException.Kind.CONNECTION_LOST,
            "the connection dropped before the answer; the request may or may not have taken effect"));
      }
    }
  }

  void submit(Frame.Builder body, boolean repeatable, CompletableFuture<Frame> future) {
    Call c = new Call(body, repeatable, future);
    c.timeout = timers.schedule(timeoutMillis, () -> {
      if (waiting.remove(c) | inflight.remove(c)) {
        listeners.fail(future, ParleyException.of(ParleyException.Kind.TIMEOUT, "no answer within " + timeoutMillis
            + " ms" + (conn.isOnline() ? "" : " (offline)")));
      }
    });
    if (conn.isOnline()) {
      transmit(c);
    } else {
      waiting.add(c);
    }
  }

  private void transmit(Call c) {
    inflight.add(c);
    conn.send(c.body, c);
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
      listeners.fail(c.future, ex);
    }
  }
}
