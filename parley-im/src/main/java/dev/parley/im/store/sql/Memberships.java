package dev.parley.im.store.sql;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who is in each group, readable from any thread (typing, receipts, presence of a group). The
 * writer thread publishes every change after commit; readers fill in groups not seen yet.
 */
final class Memberships {
  private final ConcurrentHashMap<String, Set<String>> groups = new ConcurrentHashMap<>();

  /** The members of a group conversation, or null when not loaded. */
  Set<String> get(String cid) {
    return groups.get(cid);
  }

  void publish(String cid, Set<String> members) {
    groups.put(cid, Set.copyOf(members));
  }

  void fill(String cid, Set<String> members) {
    groups.putIfAbsent(cid, Set.copyOf(members));
  }

  void forget(String cid) {
    groups.remove(cid);
  }
}
