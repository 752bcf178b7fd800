package dev.parley.mqtt.cluster;

import dev.parley.core.cluster.NodeBus;
import dev.parley.mqtt.message.AppMessage;
import dev.parley.mqtt.routing.MessageRouter;
import dev.parley.mqtt.session.SubscriptionEntry;
import dev.parley.mqtt.topic.SubscriptionTrie;
import dev.parley.mqtt.topic.Topics;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The router of a cluster node: this node's subscriptions are routed by the local router it
 * wraps; the filters they use are held on the bus (key {@value #FILTERS}, one entry per filter,
 * counted here and released with the last local subscriber) and announced to the other nodes.
 * The other nodes' filters are cached here (from {@code heldElsewhere} at start and after the bus
 * resumes, then from their announcements), so a publish never waits on the bus: it goes to this
 * node's sessions and, in one copy per node, to every other node with a matching filter, which
 * routes it to its own sessions only. A shared group held on other nodes gets the copy of one of
 * them (the trie's round robin over the nodes with members).
 */
public final class ClusterMessageRouter implements MessageRouter {
  static final String FILTERS = "mqtt:filters";
  static final String PUBLISH = "mqtt.publish";
  static final String FILTER_CHANGED = "mqtt.filter";
  private static final Logger log = LoggerFactory.getLogger(ClusterMessageRouter.class);

  private final MessageRouter local;
  private final NodeBus bus;
  /** Local subscribers per filter (as clients wrote it); guarded by itself. */
  private final Map<String, Set<Object>> subscribers = new HashMap<>();
  /** The other nodes' filters: owner is the node id (one String instance per node). */
  private final SubscriptionTrie<String> remote = new SubscriptionTrie<>();
  /** Node id -> its filters; guarded by itself. */
  private final Map<String, Set<String>> remoteFilters = new HashMap<>();
  /** Node id -> the one String instance standing for it in the trie; guarded by {@code remoteFilters}. */
  private final Map<String, String> owners = new HashMap<>();

  public ClusterMessageRouter(MessageRouter local, NodeBus bus) {
    this.local = local;
    this.bus = bus;
    bus.listen(PUBLISH, (from, payload) -> deliverFrom(from, payload));
    bus.listen(FILTER_CHANGED, this::filterChanged);
    bus.onResume(this::refresh);
    refresh();
  }

  @Override
  public Routed route(AppMessage m) {
    Routed r = local.route(m);
    if (remote.size() == 0) {
      return r;
    }
    Set<String> nodes = new LinkedHashSet<>(2);
    remote.match(m.topic(), new SubscriptionTrie.Visitor<>() {
      @Override
      public void subscriber(String node) {
        nodes.add(node);
      }

      @Override
      public void shared(SubscriptionTrie.SharedGroup<String> group) {
        String node = group.pick(n -> true);
        if (node != null) {
          nodes.add(node);
        }
      }
    });
    if (nodes.isEmpty()) {
      return r;
    }
    byte[] payload = BusCodec.encode(m);
    for (String node : nodes) {
      bus.send(node, PUBLISH, payload);
    }
    return new Routed(r.matched() + nodes.size(), r.durable());
  }

  private void deliverFrom(String from, byte[] payload) {
    AppMessage m;
    try {
      m = BusCodec.decode(payload);
    } catch (IllegalArgumentException e) {
      log.warn("MQTT publish from node {} dropped: {}", from, e.getMessage());
      return;
    }
    // This node's sessions only: the sender already gave every other node its copy.
    local.route(m);
  }

  // The bus calls stay inside the lock: two sessions on two loops adding and dropping the same
  // filter must announce in the order they counted, or the other nodes end with the wrong state.
  @Override
  public void subscribed(SubscriptionEntry e) {
    local.subscribed(e);
    synchronized (subscribers) {
      Set<Object> s = subscribers.computeIfAbsent(e.filter(), f -> new HashSet<>());
      if (s.isEmpty()) {
        bus.hold(FILTERS, e.filter(), "");
        bus.broadcast(FILTER_CHANGED, change(true, e.filter()));
      }
      s.add(e.session());
    }
  }

  @Override
  public void unsubscribed(SubscriptionEntry e) {
    local.unsubscribed(e);
    synchronized (subscribers) {
      Set<Object> s = subscribers.get(e.filter());
      if (s != null && s.remove(e.session()) && s.isEmpty()) {
        subscribers.remove(e.filter());
        bus.release(FILTERS, e.filter());
        bus.broadcast(FILTER_CHANGED, change(false, e.filter()));
      }
    }
  }

  private static byte[] change(boolean added, String filter) {
    byte[] f = filter.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[f.length + 1];
    out[0] = (byte) (added ? 1 : 0);
    System.arraycopy(f, 0, out, 1, f.length);
    return out;
  }

  private void filterChanged(String from, byte[] payload) {
    if (payload.length < 2) {
      return;
    }
    String filter = new String(payload, 1, payload.length - 1, StandardCharsets.UTF_8);
    synchronized (remoteFilters) {
      if (payload[0] == 1) {
        addRemote(from, filter);
      } else {
        removeRemote(from, filter);
      }
    }
  }

  /** Rebuilds the cache of the other nodes' filters from what they hold on the bus. */
  void refresh() {
    bus.heldElsewhere(List.of(FILTERS)).whenComplete((held, failure) -> {
      if (failure != null) {
        log.warn("MQTT filters of other nodes not refreshed: {}", failure.toString());
        return;
      }
      Map<String, Set<String>> fresh = new HashMap<>();
      for (NodeBus.Held h : held.getOrDefault(FILTERS, List.of())) {
        fresh.computeIfAbsent(h.node(), n -> new HashSet<>()).add(h.field());
      }
      synchronized (remoteFilters) {
        for (Map.Entry<String, Set<String>> e : Map.copyOf(remoteFilters).entrySet()) {
          Set<String> keep = fresh.getOrDefault(e.getKey(), Set.of());
          for (String f : Set.copyOf(e.getValue())) {
            if (!keep.contains(f)) {
              removeRemote(e.getKey(), f);
            }
          }
        }
        fresh.forEach((node, filters) -> filters.forEach(f -> addRemote(node, f)));
      }
    });
  }

  private void addRemote(String node, String filter) {
    Set<String> filters = remoteFilters.computeIfAbsent(node, n -> new HashSet<>());
    if (filters.add(filter)) {
      Topics.Shared shared = Topics.parseShared(filter);
      remote.add(shared == null ? filter : shared.filter(), shared == null ? null : shared.group(), owner(node),
          owner(node));
    }
  }

  private void removeRemote(String node, String filter) {
    Set<String> filters = remoteFilters.get(node);
    if (filters != null && filters.remove(filter)) {
      Topics.Shared shared = Topics.parseShared(filter);
      remote.remove(shared == null ? filter : shared.filter(), shared == null ? null : shared.group(), owner(node));
      if (filters.isEmpty()) {
        remoteFilters.remove(node);
      }
    }
  }

  /** The filters this node knows node {@code node} has subscribers for (a copy). */
  Set<String> remoteFilters(String node) {
    synchronized (remoteFilters) {
      return Set.copyOf(remoteFilters.getOrDefault(node, Set.of()));
    }
  }

  /** The one String instance standing for {@code node} in the trie. */
  private String owner(String node) {
    return owners.computeIfAbsent(node, n -> n);
  }
}
