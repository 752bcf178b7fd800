package dev.parley.mqtt.cluster;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How many members each shared subscription ({@code $share/<group>/<filter>}, as clients write it)
 * has on each node of the cluster, this one included, and which node gets a publish for it:
 * weighted round robin over the nodes by their member counts, so that each node gets its share
 * and every member about the same number. Reads are lock-free; changes replace a group's
 * immutable snapshot. Thread-safe.
 */
final class ShareGroups {
  private final Map<String, Weights> groups = new ConcurrentHashMap<>();

  /** Node {@code node} now has {@code members} members of {@code group} (0: none). */
  synchronized void set(String group, String node, int members) {
    Weights old = groups.get(group);
    TreeMap<String, Integer> counts = old == null ? new TreeMap<>() : old.counts();
    if (members > 0) {
      counts.put(node, members);
    } else {
      counts.remove(node);
    }
    if (counts.isEmpty()) {
      groups.remove(group);
    } else {
      groups.put(group, new Weights(counts, old == null ? new AtomicLong() : old.cursor));
    }
  }

  /** The node whose turn it is to take a publish for {@code group}; null when it has no members anywhere. */
  String pick(String group) {
    Weights w = groups.get(group);
    if (w == null) {
      return null;
    }
    long slot = Math.floorMod(w.cursor.getAndIncrement(), (long) w.total);
    for (int i = 0; i < w.nodes.length; i++) {
      slot -= w.members[i];
      if (slot < 0) {
        return w.nodes[i];
      }
    }
    return w.nodes[w.nodes.length - 1];
  }

  /** The node after {@code node} (by id, wrapping around) with members of {@code group}; null when none but it. */
  String next(String group, String node) {
    Weights w = groups.get(group);
    if (w == null) {
      return null;
    }
    for (int i = 0; i < w.nodes.length; i++) {
      if (w.nodes[i].compareTo(node) > 0) {
        return w.nodes[i];
      }
    }
    return w.nodes[0].equals(node) ? null : w.nodes[0];
  }

  /** Members of {@code group} on {@code node} as known here. */
  int members(String group, String node) {
    Weights w = groups.get(group);
    return w == null ? 0 : w.counts().getOrDefault(node, 0);
  }

  /** One group's member counts by node id, with the cursor of its round robin. */
  private static final class Weights {
    final String[] nodes;
    final int[] members;
    final int total;
    final AtomicLong cursor;

    Weights(TreeMap<String, Integer> counts, AtomicLong cursor) {
      this.nodes = counts.keySet().toArray(new String[0]);
      this.members = counts.values().stream().mapToInt(Integer::intValue).toArray();
      int sum = 0;
      for (int m : members) {
        sum += m;
      }
      this.total = sum;
      this.cursor = cursor;
    }

    TreeMap<String, Integer> counts() {
      TreeMap<String, Integer> out = new TreeMap<>();
      for (int i = 0; i < nodes.length; i++) {
        out.put(nodes[i], members[i]);
      }
      return out;
    }
  }
}
