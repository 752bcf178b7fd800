package dev.parley.mqtt.cluster;

import dev.parley.core.cluster.NodeBus;
import dev.parley.core.time.TimeSource;
import dev.parley.mqtt.message.AppMessage;
import dev.parley.mqtt.routing.LocalMessageRouter;
import dev.parley.mqtt.routing.MessageRouter;
import dev.parley.mqtt.routing.NotConfirmedException;
import dev.parley.mqtt.session.SubscriptionEntry;
import dev.parley.mqtt.topic.SubscriptionTrie;
import dev.parley.mqtt.topic.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The router of a cluster node: this node's subscriptions are routed by the local router it
 * wraps; the filters they use are held on the bus (key {@value #FILTERS}, one entry per filter,
 * counted here and released with the last local subscriber; a shared one's value is its number of
 * members here) and announced to the other nodes. The other nodes' filters are cached here
 * ({@link RemoteFilters}: from their announcements, and from {@code heldElsewhere} at start, after
 * the bus resumes, when another node resumed and asks for it ({@value #REFRESH}: it wrote its
 * filters again into a restarted Redis) and when a node reappears in the cluster), so a publish
 * never waits on the bus: it goes to this node's sessions and,
 * in one copy per node, to every other node with a matching filter, which routes it to its own
 * sessions only.
 *
 * <p>A shared subscription gets each publish once across the cluster: the publishing node picks
 * one node per matching group ({@link ShareGroups}: weighted round robin by member counts) and
 * names the groups it picked in the copy that node gets; a node delivers to the groups named only.
 * A picked node (this one included) with no connected member of the group passes the publish on,
 * for that group only, to the next node with members, which delivers it without passing it on
 * again: to a connected member, else to an offline persistent member (queued, as on one node when
 * no member is connected); a group with no members left there drops it.
 *
 * <p>A QoS 1/2 publish sent to another node asks it for a confirm ({@value #CONFIRM}, correlated by
 * an id) once it has stored its subscribers' copies (and those of the node it passed it on to);
 * {@link Routed#durable} completes only when every node it went to confirmed, and fails with
 * {@link NotConfirmedException} when one did not within the confirm timeout (bus away, node dead),
 * so the publisher is not acknowledged. A client's QoS 2 publish not acknowledged so is routed
 * again when resent; the nodes that stored its copies the first time confirm the resend without
 * storing them again ({@link Qos2Seen}).
 */
public final class ClusterMessageRouter implements MessageRouter {
  static final String FILTERS = "mqtt:filters";
  static final String PUBLISH = "mqtt.publish";
  static final String FILTER_CHANGED = "mqtt.filter";
  static final String CONFIRM = "mqtt.confirm";
  /** Asks the other nodes to read the filters held on the bus again (sent after this node wrote its own again). */
  static final String REFRESH = "mqtt.filters.refresh";
  /** How often the filters of nodes gone from the cluster are dropped ({@link #sweep}). */
  public static final Duration SWEEP_PERIOD = Duration.ofSeconds(2);
  /**
   * How long a node gone from the cluster keeps its filters in the routing: its sessions' new
   * home (a live node taking them on at the purge, or a client's claim elsewhere, which waits at
   * most {@link ClusterSessionDirectory#ANSWER_WAIT} for the dead node) has them by then.
   */
  public static final Duration GONE_GRACE = ClusterSessionDirectory.ANSWER_WAIT.multipliedBy(2);
  private static final Logger log = LoggerFactory.getLogger(ClusterMessageRouter.class);

  private final LocalMessageRouter local;
  private final NodeBus bus;
  private final String self;
  /** Local subscribers per filter (as clients wrote it); guarded by itself. */
  private final Map<String, Set<Object>> subscribers = new HashMap<>();
  /** The other nodes' plain filters and every node's shared ones (this node's too). */
  private final RemoteFilters filters = new RemoteFilters();
  private final HandedFilters handed = new HandedFilters();
  private final Qos2Seen seen = new Qos2Seen();
  private final SubscriptionTrie<String> remote = filters.trie();
  private final ShareGroups shares = filters.shares();
  private final TimeSource time;
  private final ScheduledExecutorService timers;
  private final Confirms confirms;
  private final FilterRefresh refresh;
  /** Set when this node drains: copies from other nodes are dropped unconfirmed (its sessions are handed off). */
  private volatile boolean draining;
  /** Until when (millis) copies from other nodes are routed here but not confirmed ({@link #ranBefore}). */
  private volatile long confirmsFrom;

  /**
   * @param time the clock of the confirm deadlines, run on {@code timers}
   * @param confirmTimeout how long a QoS 1/2 copy sent to another node waits for its confirm
   */
  public ClusterMessageRouter(LocalMessageRouter local, NodeBus bus, TimeSource time, ScheduledExecutorService timers,
      Duration confirmTimeout) {
    this.local = local;
    this.bus = bus;
    this.self = bus.nodeId();
    this.time = time;
    this.timers = timers;
    this.confirms = new Confirms(time, timers, confirmTimeout);
    this.refresh = new FilterRefresh(bus, filters);
    bus.listen(PUBLISH, (from, payload) -> deliverFrom(from, payload));
    bus.listen(CONFIRM, (from, payload) -> confirms.confirmed(payload));
    bus.listen(FILTER_CHANGED, this::filterChanged);
    bus.listen(REFRESH, (from, payload) -> {
      filters.settled(from);
      refresh();
    });
    // The bus wrote this node's filters again before it resumes: the nodes that resumed earlier read them now.
    bus.onResume(() -> {
      filters.unsettle();
      refresh();
      bus.broadcast(REFRESH, new byte[0]);
    });
    refresh();
  }

  @Override
  public Routed route(AppMessage m) {
    return route(m, null);
  }

  @Override
  public Routed route(AppMessage m, Qos2 flow) {
    if (m.qos() == 0 || !handed.matches(m.topic())) {
      return routeAll(m, flow);
    }
    // Not routed at all: its publisher is not acknowledged and sends it again (to the session's
    // new home by then), so copies made now would only be duplicates.
    return new Routed(1, CompletableFuture.failedFuture(
        new NotConfirmedException("a session subscribed to " + m.topic() + " is moving to another node")));
  }

  private Routed routeAll(AppMessage m, Qos2 flow) {
    if (remote.size() == 0) {
      return once(m, flow, false, () -> local.route(m));
    }
    Set<String> plain = new LinkedHashSet<>(2);
    Map<String, Set<String>> picked = new HashMap<>(2);
    remote.match(m.topic(), new SubscriptionTrie.Visitor<>() {
      @Override
      public void subscriber(String node) {
        plain.add(node);
      }

      @Override
      public void shared(SubscriptionTrie.SharedGroup<String> group) {
        String key = key(group);
        String node = shares.pick(key);
        if (node != null) {
          picked.computeIfAbsent(node, n -> new LinkedHashSet<>()).add(key);
        }
      }
    });
    Map<String, Set<String>> passOn = new HashMap<>(1);
    Set<String> mine = picked.remove(self);
    Routed r = once(m, flow, false, () -> routeHere(m, true, mine, passOn));
    Set<String> nodes = new LinkedHashSet<>(plain);
    nodes.addAll(picked.keySet());
    if (nodes.isEmpty() && passOn.isEmpty()) {
      return r;
    }
    byte[] message = BusCodec.encode(m);
    List<CompletableFuture<Void>> waits = new ArrayList<>(nodes.size() + passOn.size());
    for (String node : nodes) {
      send(node, message, false, picked.getOrDefault(node, Set.of()), m.qos() > 0, waits, flow);
    }
    passOn(message, passOn, m.qos() > 0, waits, flow);
    return new Routed(r.matched() + nodes.size() + passOn.size(), Confirms.allOf(r.durable(), waits));
  }

  /** Sends {@code message} to {@code node}; with {@code confirmed}, adds the wait for its confirm to {@code waits}. */
  private void send(String node, byte[] message, boolean passedOn, Collection<String> groups, boolean confirmed,
      List<CompletableFuture<Void>> waits, Qos2 flow) {
    long id = confirmed ? confirms.await(node, waits) : 0;
    bus.send(node, PUBLISH, BusCodec.encodePublish(message, passedOn, groups, id, flow));
  }

  /**
   * Routes {@code m} to this node's sessions by {@code route}, unless it is the resend of a QoS 2
   * message whose copies they stored already ({@link Qos2Seen}); notes what they stored.
   */
  private Routed once(AppMessage m, Qos2 flow, boolean passedOn, Supplier<Routed> route) {
    if (flow == null) {
      return route.get();
    }
    if (flow.resend() && seen.has(m, flow.packetId(), passedOn)) {
      // Stored here the first time: counted as matched, so an MQTT 5 publisher is not told "no subscribers".
      return new Routed(1, null);
    }
    Routed r = route.get();
    if (r.durable() == null) {
      seen.stored(m, flow.packetId(), passedOn);
    } else {
      r.durable().thenRun(() -> seen.stored(m, flow.packetId(), passedOn));
    }
    return r;
  }

  /**
   * Routes {@code m} to this node's sessions: plain subscribers when {@code plain}, and the share
   * groups in {@code groups} (null: none). When {@code passOn} is not null a group with no
   * connected member here goes into it, under the next node with members, instead.
   */
  private Routed routeHere(AppMessage m, boolean plain, Set<String> groups, Map<String, Set<String>> passOn) {
    if (groups == null || groups.isEmpty()) {
      return plain ? local.route(m, true, g -> false) : new Routed(0, null);
    }
    Set<String> seen = new HashSet<>(groups.size());
    Routed r = local.route(m, plain, g -> {
      String key = key(g);
      if (!groups.contains(key) || !seen.add(key)) {
        return false;
      }
      return passOn == null || g.any(e -> e.session().connected()) || !passedOn(key, passOn);
    });
    if (passOn != null) {
      for (String key : groups) {
        if (!seen.contains(key)) {
          // Its members here left since the publisher picked this node.
          passedOn(key, passOn);
        }
      }
    }
    return r;
  }

  /** Notes {@code group} for the next node with members; false when there is none. */
  private boolean passedOn(String group, Map<String, Set<String>> passOn) {
    String next = shares.next(group, self);
    if (next == null) {
      return false;
    }
    passOn.computeIfAbsent(next, n -> new LinkedHashSet<>()).add(group);
    return true;
  }

  private void passOn(byte[] message, Map<String, Set<String>> passOn, boolean confirmed,
      List<CompletableFuture<Void>> waits, Qos2 flow) {
    passOn.forEach((node, groups) -> send(node, message, true, groups, confirmed, waits, flow));
  }

  private static String key(SubscriptionTrie.SharedGroup<?> group) {
    return Topics.SHARE_PREFIX + group.name() + "/" + group.filter();
  }

  /** This node drains and hands its sessions off: copies from other nodes are neither routed nor confirmed (they are resent). */
  public void drain() {
    draining = true;
  }

  /**
   * This node runs again under its id: for {@link #GONE_GRACE} copies from other nodes are routed but not confirmed. They
   * may still route by the last run's filters, whose sessions are moving elsewhere (claimed, or taken on): this run's
   * confirm would acknowledge a publish those sessions never get.
   */
  public void ranBefore() {
    confirmsFrom = time.millis() + GONE_GRACE.toMillis();
  }

  private void deliverFrom(String from, byte[] payload) {
    if (draining) {
      return;
    }
    BusCodec.Publish p;
    try {
      p = BusCodec.decodePublish(payload);
    } catch (IllegalArgumentException e) {
      log.warn("MQTT publish from node {} dropped: {}", from, e.getMessage());
      return;
    }
    if (p.confirm() != 0 && handed.matches(p.message().topic())) {
      // A session it is for is moving to another node: unconfirmed and not routed, since the
      // publisher sends it again (to the session's new home by then).
      return;
    }
    // This node's sessions only: the sender already gave every other node its copy.
    Map<String, Set<String>> passOn = p.passedOn() ? null : new HashMap<>(1);
    Routed r = once(p.message(), p.flow(), p.passedOn(),
        () -> routeHere(p.message(), !p.passedOn(), new HashSet<>(p.groups()), passOn));
    List<CompletableFuture<Void>> waits = new ArrayList<>(1);
    if (passOn != null && !passOn.isEmpty()) {
      passOn(BusCodec.encode(p.message()), passOn, p.confirm() != 0, waits, p.flow());
    }
    if (p.confirm() == 0 || time.millis() < confirmsFrom) {
      return;
    }
    CompletableFuture<Void> stored = Confirms.allOf(r.durable(), waits);
    byte[] confirm = Confirms.encode(p.confirm());
    if (stored == null) {
      bus.send(from, CONFIRM, confirm);
      return;
    }
    stored.whenComplete((ok, failure) -> {
      if (failure == null) {
        bus.send(from, CONFIRM, confirm);
      } else {
        log.warn("MQTT publish from node {} not confirmed: {}", from, failure.toString());
      }
    });
  }

  // The bus calls stay inside the lock: two sessions on two loops adding and dropping the same
  // filter must announce in the order they counted, or the other nodes end with the wrong state.
  @Override
  public void subscribed(SubscriptionEntry e) {
    local.subscribed(e);
    synchronized (subscribers) {
      Set<Object> s = subscribers.computeIfAbsent(e.filter(), f -> new HashSet<>());
      boolean first = s.isEmpty();
      if (s.add(e.session()) && (first || e.shareGroup() != null)) {
        announce(e.filter(), e.shareGroup() == null ? 0 : s.size());
      }
    }
  }

  @Override
  public void unsubscribed(SubscriptionEntry e) {
    local.unsubscribed(e);
    synchronized (subscribers) {
      Set<Object> s = subscribers.get(e.filter());
      if (s == null || !s.remove(e.session())) {
        return;
      }
      HandedFilters.Handed mark = handed.unsubscribed(e.session(), e.filter(), e.shareGroup());
      if (mark != null) {
        s.add(mark);
        return;
      }
      left(e.filter(), s, e.shareGroup() != null);
    }
  }

  /** A subscriber of {@code filter} here left the others {@code s}: announced (shared) or dropped when none is left. Under the lock. */
  private void left(String filter, Set<Object> s, boolean shared) {
    if (!s.isEmpty()) {
      if (shared) {
        announce(filter, s.size());
      }
      return;
    }
    dropped(filter);
    if (shared) {
      filters.own(self, Topics.parseShared(filter), filter, 0);
    }
  }

  /** No session here subscribes to {@code filter} any more: let go of it and tell the other nodes. Under the lock. */
  private void dropped(String filter) {
    subscribers.remove(filter);
    bus.release(FILTERS, filter);
    bus.broadcast(FILTER_CHANGED, BusCodec.encodeFilterChange(false, 0, filter));
  }

  /**
   * {@code session} of {@code clientId} is handed to another node: its plain filters stay here,
   * unconfirmed (see {@link HandedFilters}), until {@link #taken} or for {@link #GONE_GRACE} at
   * most (unless a later handover of the client id is under way by then). Call before the session
   * lets go of its subscriptions and {@link #handed} after.
   */
  void handing(Object session, String clientId) {
    long handover = handed.handing(session, clientId);
    time.schedule(timers, () -> {
      if (handed.outlived(clientId, handover)) {
        taken(clientId);
      }
    }, GONE_GRACE);
  }

  void handed(Object session) {
    handed.handed(session);
  }

  /** The node the session of {@code clientId} was handed to holds it (or the wait for it ran out). */
  void taken(String clientId) {
    synchronized (subscribers) {
      HandedFilters.Handed mark = new HandedFilters.Handed(clientId);
      for (String f : handed.taken(clientId)) {
        Set<Object> s = subscribers.get(f);
        if (s != null && s.remove(mark)) {
          left(f, s, f.startsWith(Topics.SHARE_PREFIX));
        }
      }
    }
  }

  /** Holds and announces {@code filter} with its number of members here (shared) or 0 (plain). */
  private void announce(String filter, int members) {
    bus.hold(FILTERS, filter, Integer.toString(members));
    bus.broadcast(FILTER_CHANGED, BusCodec.encodeFilterChange(true, members, filter));
    Topics.Shared shared = Topics.parseShared(filter);
    if (shared != null) {
      filters.own(self, shared, filter, members);
    }
  }

  private void filterChanged(String from, byte[] payload) {
    BusCodec.FilterChange c = BusCodec.decodeFilterChange(payload);
    if (c != null) {
      filters.announced(from, c.filter(), c.added(), c.members());
    }
  }

  /**
   * Forgets the filters of the nodes not in {@code alive} once gone for {@link #GONE_GRACE} (until then their copies go
   * unconfirmed: nothing is acknowledged that a dead node's sessions miss while they have no home); reads the bus
   * again when a node is alive that was not at the last sweep (its filters come back with it). Any thread.
   */
  public void sweep(Collection<String> alive) {
    if (filters.sweep(alive, time.millis(), GONE_GRACE.toMillis())) {
      refresh();
    }
  }

  /**
   * Rebuilds the cache of the other nodes' filters from what they hold on the bus (see {@link
   * FilterRefresh}: at most one read on its way and one waiting).
   */
  void refresh() {
    refresh.ask();
  }

  /** The filters this node knows node {@code node} has subscribers for (a copy). */
  Set<String> remoteFilters(String node) {
    return filters.of(node);
  }

  /** Members of shared subscription {@code group} on {@code node}, as this node knows it. */
  int shareMembers(String group, String node) {
    return shares.members(group, node);
  }

  /** Whether {@code topic} matches a filter kept here for a session handed to another node. */
  boolean keptForHanded(String topic) {
    return handed.matches(topic);
  }

  /** Clients' QoS 2 messages this node knows it stored the copies of. */
  int qos2Seen() {
    return seen.size();
  }

  /** Copies sent to other nodes whose confirm this node still waits for. */
  int awaitingConfirms() {
    return confirms.size();
  }
}
