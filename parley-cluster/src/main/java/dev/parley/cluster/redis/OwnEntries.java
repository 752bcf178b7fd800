package dev.parley.cluster.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** What this node holds on the bus (key -> field -> value), to write again after Redis lost it. Thread-safe. */
final class OwnEntries {
  /** One entry. */
  record Entry(String key, String field, String value) {}

  private final Map<String, Map<String, String>> byKey = new ConcurrentHashMap<>();

  void put(String key, String field, String value) {
    byKey.computeIfAbsent(key, k -> new ConcurrentHashMap<>()).put(field, value);
  }

  void putIfAbsent(String key, String field, String value) {
    byKey.computeIfAbsent(key, k -> new ConcurrentHashMap<>()).putIfAbsent(field, value);
  }

  /** Forgets the entry; answers its value, or null when there was none. */
  String remove(String key, String field) {
    Map<String, String> m = byKey.get(key);
    if (m == null) {
      return null;
    }
    String value = m.remove(field);
    if (m.isEmpty()) {
      byKey.remove(key, m);
    }
    return value;
  }

  /** A snapshot of every entry. */
  List<Entry> all() {
    List<Entry> all = new ArrayList<>();
    byKey.forEach((key, m) -> m.forEach((field, value) -> all.add(new Entry(key, field, value))));
    return all;
  }

  void clear() {
    byKey.clear();
  }
}
