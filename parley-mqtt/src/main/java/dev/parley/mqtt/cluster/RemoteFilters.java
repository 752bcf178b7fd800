package dev.parley.mqtt.cluster;

import dev.parley.mqtt.topic.SubscriptionTrie;
import dev.parley.mqtt.topic.Topics;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a cluster node knows of the filters the other nodes have subscribers for (and of every
 * node's shared subscriptions, its own too), for {@link ClusterMessageRouter}: a trie matched
 * without a lock on every publish, and the member counts of the share groups.
 *
 * <p>It is kept from two sources that can cross: the nodes' announcements, as they come, and
 * snapshots of what they hold on the bus ({@link #reconcile}). A snapshot can be older than an
 * announcement that came before its answer did; it then leaves that node as the announcements
 * made it ({@link #mark} tells which came later). After a Redis outage a snapshot may also miss
 * what a node has not written again yet: such a node is unsettled ({@link #unsettle}) until it says
 * it has ({@link #settled}), and until then snapshots add its filters but remove none (a filter
 * kept too long costs a copy its node confirms at once; one dropped too soon, a message
 * acknowledged that its subscribers never get). Changes are thread-safe.
 */
final class RemoteFilters {
  private static final Logger log = LoggerFactory.getLogger(RemoteFilters.class);

  /** The owner (and value) of an entry is the node id, one String instance per node. */
  private final SubscriptionTrie<String> trie = new SubscriptionTrie<>();
  private final ShareGroups shares = new ShareGroups();
  /** Node id -> its filters, as clients wrote them. */
  private final Map<String, Set<String>> byNode = new HashMap<>();
  /** Node id -> the one String instance standing for it in the trie. */
  private final Map<String, String> owners = new HashMap<>();
  /** Announcements taken in so far; (node, filter) -> the count after the latest one of it still needed. */
  private long announcements;
  private final Map<List<String>, Long> announcedAt = new HashMap<>();
  /** The marks of the snapshots asked for and not reconciled yet. */
  private final TreeMap<Long, Integer> pending = new TreeMap<>();
  /** The nodes alive at the last {@link #sweep}. */
  private Set<String> alive = Set.of();
  /** Node id -> when a sweep first found it gone (millis), while its filters still route. */
  private final Map<String, Long> goneSince = new HashMap<>();
  /** Nodes whose filters a snapshot may lack since a Redis outage, until they say they wrote them again. */
  private final Set<String> unsettled = new HashSet<>();

  SubscriptionTrie<String> trie() {
    return trie;
  }

  ShareGroups shares() {
    return shares;
  }

  /** Node {@code node} announced it has subscribers for {@code filter} ({@code members} here if shared), or none. */
  synchronized void announced(String node, String filter, boolean added, int members) {
    announcements++;
    if (!pending.isEmpty()) {
      announcedAt.put(List.of(node, filter), announcements);
    }
    if (added) {
      add(node, filter, members);
    } else {
      remove(node, filter);
    }
  }

  /** This node's own shared subscription {@code filter} has {@code members} members here (0: none). */
  synchronized void own(String self, Topics.Shared shared, String filter, int members) {
    if (members > 0) {
      trie.add(shared.filter(), shared.group(), owner(self), owner(self));
    } else {
      trie.remove(shared.filter(), shared.group(), owner(self));
    }
    shares.set(filter, self, members);
  }

  /**
   * The bus is back after an outage: Redis may have lost the entries of every node known here,
   * which each writes again before it tells the others so ({@link #settled}).
   */
  synchronized void unsettle() {
    unsettled.addAll(byNode.keySet());
  }

  /** Node {@code node} wrote its entries again after the outage: snapshots hold all of them now. */
  synchronized void settled(String node) {
    unsettled.remove(node);
  }

  /**
   * Where the announcements are now, for a snapshot about to be asked for: pass it to {@link
   * #reconcile} with the snapshot, or to {@link #abandon} when none came.
   */
  synchronized long mark() {
    pending.merge(announcements, 1, Integer::sum);
    return announcements;
  }

  /** The snapshot asked for at {@code mark} will not come. */
  synchronized void abandon(long mark) {
    done(mark);
  }

  /**
   * Makes the other nodes' filters those of {@code fresh} (node id -> filter -> members), a
   * snapshot of the bus asked for at {@code mark}, except the filters announced since: those stay
   * as their announcements made them. It removes no filter of a node the last {@link #sweep}
   * found gone (left to the sweeps: the snapshot may no longer show what it held in its grace)
   * or of an unsettled one, and adds what any node holds (a node this one's view of the cluster
   * lacks for now gets copies it confirms; one gone for good is purged from the bus before its
   * grace ends).
   */
  synchronized void reconcile(Map<String, Map<String, Integer>> fresh, long mark) {
    for (Map.Entry<String, Set<String>> e : Map.copyOf(byNode).entrySet()) {
      if (!alive(e.getKey()) || unsettled.contains(e.getKey())) {
        continue;
      }
      Set<String> keep = fresh.getOrDefault(e.getKey(), Map.of()).keySet();
      for (String f : Set.copyOf(e.getValue())) {
        if (!keep.contains(f) && !announcedSince(e.getKey(), f, mark)) {
          remove(e.getKey(), f);
        }
      }
    }
    fresh.forEach((node, filters) -> filters.forEach((f, members) -> {
      if (!announcedSince(node, f, mark)) {
        add(node, f, members);
      }
    }));
    done(mark);
  }

  /** Whether {@code node} was alive at the last sweep (any node is, before the first). */
  private boolean alive(String node) {
    return alive.isEmpty() || alive.contains(node);
  }

  private boolean announcedSince(String node, String filter, long mark) {
    return announcedAt.getOrDefault(List.of(node, filter), 0L) > mark;
  }

  /** Forgets the announcements no snapshot still asked for needs. */
  private void done(long mark) {
    pending.computeIfPresent(mark, (m, n) -> n == 1 ? null : n - 1);
    if (pending.isEmpty()) {
      announcedAt.clear();
    } else {
      long oldest = pending.firstKey();
      announcedAt.values().removeIf(at -> at <= oldest);
    }
  }

  /**
   * Forgets the filters of the nodes not in {@code now} once they have been gone for {@code
   * grace} (until then a publish still sends them copies, which they do not confirm: a QoS 1/2
   * publisher is not acknowledged and resends, by when the sessions of the node have a new home);
   * their share groups pick them no more from the first sweep that finds them gone.
   * Answers whether a node is alive that was not at the last sweep: what it holds may have been
   * forgotten while it was missing, so the caller takes a snapshot again.
   */
  synchronized boolean sweep(Collection<String> now, long nowMillis, long grace) {
    goneSince.keySet().retainAll(byNode.keySet());
    goneSince.keySet().removeAll(now);
    for (Map.Entry<String, Set<String>> e : Map.copyOf(byNode).entrySet()) {
      String node = e.getKey();
      if (now.contains(node)) {
        continue;
      }
      Long since = goneSince.get(node);
      if (since == null) {
        since = nowMillis;
        goneSince.put(node, since);
        // A share group has members elsewhere to take its publishes: no more are picked for this node.
        e.getValue().stream().filter(f -> Topics.parseShared(f) != null).forEach(f -> shares.set(f, node, 0));
      }
      if (nowMillis - since >= grace) {
        log.info("MQTT: node {} is gone; its {} filter(s) leave the routing", node, e.getValue().size());
        List.copyOf(e.getValue()).forEach(f -> remove(node, f));
        goneSince.remove(node);
        unsettled.remove(node);
      }
    }
    boolean appeared = !alive.containsAll(now);
    alive = Set.copyOf(now);
    return appeared;
  }

  /** The filters this node knows node {@code node} has subscribers for (a copy). */
  synchronized Set<String> of(String node) {
    return Set.copyOf(byNode.getOrDefault(node, Set.of()));
  }

  private void add(String node, String filter, int members) {
    Set<String> filters = byNode.computeIfAbsent(node, n -> new HashSet<>());
    Topics.Shared shared = Topics.parseShared(filter);
    if (filters.add(filter)) {
      trie.add(shared == null ? filter : shared.filter(), shared == null ? null : shared.group(), owner(node),
          owner(node));
    }
    if (shared != null) {
      shares.set(filter, node, Math.max(1, members));
    }
  }

  private void remove(String node, String filter) {
    Set<String> filters = byNode.get(node);
    if (filters != null && filters.remove(filter)) {
      Topics.Shared shared = Topics.parseShared(filter);
      trie.remove(shared == null ? filter : shared.filter(), shared == null ? null : shared.group(), owner(node));
      if (shared != null) {
        shares.set(filter, node, 0);
      }
      if (filters.isEmpty()) {
        byNode.remove(node);
      }
    }
  }

  private String owner(String node) {
    return owners.computeIfAbsent(node, n -> n);
  }
}
