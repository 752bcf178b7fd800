package dev.parley.mqtt.store.sql;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Queued message ids for nodes that share one database: {@code tick << 10 | slot}, where the slot
 * is this node's (one per start, from a database sequence, so two running nodes differ unless 1024
 * starts lie between them) and the tick grows with the clock (milliseconds since 2025 times 4096,
 * then one up per id). A session moving to this node keeps its order: ids given here are above
 * those it was loaded with. Thread-safe.
 */
final class ClusterQueueIds {
  private static final long EPOCH_MILLIS = 1_735_689_600_000L;
  private static final int SLOT_BITS = 10;

  private final LongSupplier millis;
  private final long slot;
  private final AtomicLong tick = new AtomicLong();

  ClusterQueueIds(LongSupplier millis, int slot) {
    this.millis = millis;
    this.slot = Math.floorMod(slot, 1 << SLOT_BITS);
  }

  long next() {
    long now = Math.max(0, millis.getAsLong() - EPOCH_MILLIS) << 12;
    return tick.updateAndGet(t -> Math.max(t + 1, now)) << SLOT_BITS | slot;
  }

  /** A loaded session holds ids up to {@code id}: the next ones go above. */
  void seen(long id) {
    tick.accumulateAndGet(id >>> SLOT_BITS, Math::max);
  }
}
