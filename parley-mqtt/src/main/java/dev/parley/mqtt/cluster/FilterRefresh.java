package dev.parley.mqtt.cluster;

import dev.parley.core.cluster.NodeBus;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the filters the other nodes hold on the bus into a node's cache ({@link RemoteFilters}),
 * but for the filters announced while the answer was on its way. Asked for while a read is on its
 * way, it reads once more after that one: however many nodes ask at once (every node resuming
 * after a restarted Redis asks all the others), at most one read is on its way and one waits.
 */
final class FilterRefresh {
  private static final Logger log = LoggerFactory.getLogger(FilterRefresh.class);

  private final NodeBus bus;
  private final RemoteFilters filters;
  /** 0: no read; 1: one on its way; 2: one on its way and one more asked for. */
  private final AtomicInteger reads = new AtomicInteger();

  FilterRefresh(NodeBus bus, RemoteFilters filters) {
    this.bus = bus;
    this.filters = filters;
  }

  /** Reads the filters again (now, or after the read on its way). Any thread. */
  void ask() {
    if (reads.getAndUpdate(n -> Math.min(n + 1, 2)) == 0) {
      read();
    }
  }

  private void read() {
    long mark = filters.mark();
    bus.heldElsewhere(List.of(ClusterMessageRouter.FILTERS)).whenComplete((held, failure) -> {
      if (failure != null) {
        filters.abandon(mark);
        log.warn("MQTT filters of other nodes not refreshed: {}", failure.toString());
      } else {
        Map<String, Map<String, Integer>> fresh = new HashMap<>();
        for (NodeBus.Held h : held.getOrDefault(ClusterMessageRouter.FILTERS, List.of())) {
          fresh.computeIfAbsent(h.node(), n -> new HashMap<>()).put(h.field(), members(h.value()));
        }
        filters.reconcile(fresh, mark);
      }
      if (reads.decrementAndGet() > 0) {
        read();
      }
    });
  }

  private static int members(String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
