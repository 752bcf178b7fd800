package dev.parley.cluster.redis;

import dev.parley.core.cluster.NodeBus.Held;
import dev.parley.core.cluster.NodeBus.Orphans;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The entries of purged nodes on their way to the {@linkplain dev.parley.core.cluster.NodeBus#onOrphaned
 * listeners} of their keys. What the start's purge removed of this node's earlier run waits until
 * a listener of its keys registers (the systems register after the bus started); the entries of
 * nodes purged later go to the listeners registered by then, or to nobody. The purge of a later
 * node made what its listeners take pending already; what waited is made pending ({@code pend})
 * as it is handed. Not thread-safe: the bus uses it on its thread only.
 */
final class Orphanage {
  private static final Logger log = LoggerFactory.getLogger(Orphanage.class);
  /** Key prefix -> its listener. */
  private final Map<String, Orphans> listeners = new LinkedHashMap<>();
  /** Node -> key -> entries nobody took yet. */
  private final Map<String, Map<String, List<Held>>> unclaimed = new LinkedHashMap<>();
  /** Makes entries that waited pending entries of this node, before their listener is told. */
  private final Consumer<Map<String, List<Held>>> pend;

  Orphanage(Consumer<Map<String, List<Held>>> pend) {
    this.pend = pend;
  }

  /** The purge script's answer (flat: index member {@code key SEP field}, value) by key. */
  static Map<String, List<Held>> byKey(String node, List<Object> flat, char separator) {
    Map<String, List<Held>> byKey = new LinkedHashMap<>();
    for (int i = 0; i + 1 < flat.size(); i += 2) {
      String member = String.valueOf(flat.get(i));
      int sep = member.indexOf(separator);
      byKey.computeIfAbsent(member.substring(0, sep), k -> new ArrayList<>())
          .add(new Held(node, member.substring(sep + 1), String.valueOf(flat.get(i + 1))));
    }
    return byKey;
  }

  /** {@code listener} takes the entries under {@code prefix}, starting with those waiting. */
  void listen(String prefix, Orphans listener) {
    listeners.put(prefix, listener);
    hand(prefix, listener);
  }

  /** {@code node}'s entries were removed; {@code keep}: what no listener takes waits for one. */
  void removed(String node, Map<String, List<Held>> byKey, boolean keep) {
    if (keep) {
      unclaimed.computeIfAbsent(node, k -> new LinkedHashMap<>()).putAll(byKey);
      listeners.forEach(this::hand);
      return;
    }
    // What no listener takes goes; what waits of earlier removals stays as it was.
    Map<String, List<Held>> left = new LinkedHashMap<>(byKey);
    listeners.forEach((prefix, listener) -> hand(prefix, listener, node, left, taken -> { }));
  }

  private void hand(String prefix, Orphans listener) {
    for (Iterator<Map.Entry<String, Map<String, List<Held>>>> nodes = unclaimed.entrySet().iterator();
        nodes.hasNext(); ) {
      Map.Entry<String, Map<String, List<Held>>> dead = nodes.next();
      hand(prefix, listener, dead.getKey(), dead.getValue(), pend);
      if (dead.getValue().isEmpty()) {
        nodes.remove();
      }
    }
  }

  /** Hands {@code listener} the entries of {@code node} under {@code prefix}, taking them out of {@code byKey}. */
  private static void hand(String prefix, Orphans listener, String node, Map<String, List<Held>> byKey,
      Consumer<Map<String, List<Held>>> before) {
    Map<String, List<Held>> taken = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, List<Held>>> it = byKey.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, List<Held>> e = it.next();
      if (e.getKey().startsWith(prefix)) {
        taken.put(e.getKey(), e.getValue());
        it.remove();
      }
    }
    if (taken.isEmpty()) {
      return;
    }
    before.accept(taken);
    try {
      listener.orphaned(node, taken);
    } catch (RuntimeException e) {
      log.warn("cluster bus: the listener of {} failed on the entries of node {}", prefix, node, e);
    }
  }
}
