package dev.parley.mqtt.cluster;

import dev.parley.core.time.Cancellable;
import dev.parley.core.time.TimeSource;
import dev.parley.mqtt.routing.NotConfirmedException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The confirms a node waits for: each QoS 1/2 copy sent to another node gets an id, and its wait
 * completes when that node confirms it stored its copies, or fails with
 * {@link NotConfirmedException} when the confirm timeout runs out first. Thread-safe.
 */
final class Confirms {
  private final TimeSource time;
  private final ScheduledExecutorService timers;
  private final Duration timeout;
  private final AtomicLong ids;
  /** Confirm id -> the copy waiting for it. */
  private final Map<Long, CompletableFuture<Void>> awaiting = new ConcurrentHashMap<>();

  /** @param time the clock of the deadlines, run on {@code timers} */
  Confirms(TimeSource time, ScheduledExecutorService timers, Duration timeout) {
    this.time = time;
    this.timers = timers;
    this.timeout = timeout;
    // Ids differ from those of an earlier run of this node id, whose confirms may still come.
    this.ids = new AtomicLong(Math.max(1, time.millis()) << 16);
  }

  /** A new wait for a copy sent to {@code node}: its id for the copy, and the wait added to {@code waits}. */
  long await(String node, List<CompletableFuture<Void>> waits) {
    long id = ids.incrementAndGet();
    CompletableFuture<Void> f = new CompletableFuture<>();
    awaiting.put(id, f);
    Cancellable deadline = time.schedule(timers, () -> {
      CompletableFuture<Void> late = awaiting.remove(id);
      if (late != null) {
        late.completeExceptionally(new NotConfirmedException("node " + node + " did not confirm within "
            + timeout.toMillis() + " ms that it stored its copies"));
      }
    }, timeout);
    // A confirmed copy's timer goes at once: a busy publisher would otherwise keep one per copy for the timeout.
    f.whenComplete((ok, e) -> deadline.cancel());
    waits.add(f);
    return id;
  }

  /** A confirm came: {@code payload} as {@link #encode} made it (anything else is ignored). */
  void confirmed(byte[] payload) {
    if (payload.length != 8) {
      return;
    }
    CompletableFuture<Void> f = awaiting.remove(ByteBuffer.wrap(payload).getLong());
    if (f != null) {
      f.complete(null);
    }
  }

  static byte[] encode(long id) {
    return ByteBuffer.allocate(8).putLong(id).array();
  }

  /** Completes when {@code here} (null: nothing) and every one of {@code waits} did; null when there is neither. */
  static CompletableFuture<Void> allOf(CompletableFuture<Void> here, List<CompletableFuture<Void>> waits) {
    if (waits.isEmpty()) {
      return here;
    }
    List<CompletableFuture<Void>> all = new ArrayList<>(waits);
    if (here != null) {
      all.add(here);
    }
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
  }

  /** How many copies still wait for their confirm. */
  int size() {
    return awaiting.size();
  }
}
