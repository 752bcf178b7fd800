package dev.parley.im.cluster;

import dev.parley.core.cluster.NodeBus;
import dev.parley.im.session.Directory;
import dev.parley.im.session.KickPolicy;
import dev.parley.im.session.LocalDirectory;
import dev.parley.im.session.Session;
import dev.parley.im.session.SessionInfo;
import dev.parley.im.session.Transition;
import dev.parley.protocol.im.KickReason;
import dev.parley.protocol.im.Platform;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Directory} of one node of a cluster: this node's sessions in a {@link LocalDirectory},
 * each also held on the bus (key {@code im:u:<user>}) so the other nodes find it.
 *
 * <p>A login applies the kick policy at once to this node's sessions, then, when the bus has
 * answered who holds the user's other sessions, to theirs: an older session of the same device on
 * another node is kicked there (an {@code im.kick} message), and a login older than one elsewhere
 * kicks itself; the session cap counts every node's sessions and closes the oldest wherever they
 * are. Every node judges by the same connection times, so two nodes deciding at once agree.
 *
 * <p>Presence: each node tells the others which users came online or went offline on it, and
 * reports to its presence hub whether a user is online anywhere, so followers on every node see
 * one change per user. A node that stops being heard of loses its users at the next
 * {@link #sweep}.
 */
public final class ClusterDirectory implements Directory {
  private static final Logger log = LoggerFactory.getLogger(ClusterDirectory.class);
  private static final int STRIPES = 256;

  private final LocalDirectory local;
  private final NodeBus bus;
  private final Consumer<Transition> presence;
  private final Supplier<Collection<String>> alive;
  /** User to the other nodes where they have a session, as those nodes told. */
  private final Map<String, Set<String>> elsewhere = new ConcurrentHashMap<>();
  /** Users reported online to the presence hub. */
  private final Set<String> shownOnline = ConcurrentHashMap.newKeySet();
  private final Object[] locks = new Object[STRIPES];

  /**
   * @param presence told when a user comes online anywhere and when they are online nowhere
   * @param alive the ids of the nodes alive now
   */
  public ClusterDirectory(NodeBus bus, Consumer<Transition> presence, Supplier<Collection<String>> alive) {
    this.bus = bus;
    this.presence = presence;
    this.alive = alive;
    for (int i = 0; i < STRIPES; i++) {
      locks[i] = new Object();
    }
    this.local = new LocalDirectory(this::localTransition);
    bus.listen(BusFrames.KICK, (from, payload) -> kicked(BusFrames.kick(payload)));
    bus.listen(BusFrames.PRESENCE, (from, payload) -> changedElsewhere(from, BusFrames.presence(payload), false));
    bus.listen(BusFrames.PRESENCE_ALL, (from, payload) -> changedElsewhere(from, BusFrames.presence(payload), true));
    bus.listen(BusFrames.PRESENCE_ASK, (from, payload) -> bus.send(from, BusFrames.PRESENCE_ALL, snapshot()));
  }

  /** Asks every node who is online there and tells them who is here (at start and after an outage). */
  public void announce() {
    bus.broadcast(BusFrames.PRESENCE_ALL, snapshot());
    bus.broadcast(BusFrames.PRESENCE_ASK, new byte[0]);
  }

  @Override
  public List<Kick> register(Session s, KickPolicy policy, int maxPerUser) {
    List<Kick> kicks = local.register(s, policy, maxPerUser);
    for (Kick k : kicks) {
      if (k.session() == s) {
        return kicks;
      }
    }
    String key = Held.key(s.user());
    bus.hold(key, s.sessionId(), Held.value(s));
    long at = s.info().connectedAt();
    bus.heldElsewhere(List.of(key)).whenComplete((held, failure) -> {
      if (failure != null) {
        log.debug("im: sessions of {} on other nodes unknown ({}); policy applied on this node only", s.user(),
            failure.toString());
        return;
      }
      enforce(s, at, policy, maxPerUser, held.getOrDefault(key, List.of()));
    });
    return kicks;
  }

  /** On the bus thread: the kick policy and the cap against the user's sessions on the other nodes. */
  private void enforce(Session s, long at, KickPolicy policy, int maxPerUser, List<NodeBus.Held> found) {
    List<Held> others = new ArrayList<>();
    for (NodeBus.Held h : found) {
      Held o = Held.of(h);
      if (o == null) {
        continue;
      }
      if (!o.replacedBy(s, policy)) {
        others.add(o);
      } else if (Held.compare(o.connectedAt(), o.node(), o.sessionId(), at, bus.nodeId(), s.sessionId()) < 0) {
        kickElsewhere(s.user(), o, KickReason.KICK_REASON_REPLACED, "logged in again on device " + s.deviceId());
      } else {
        s.kick(KickReason.KICK_REASON_REPLACED, "a newer connection of device " + s.deviceId() + " is logged in");
        return;
      }
    }
    Session[] here = local.sessions(s.user());
    int over = here.length + others.size() - maxPerUser;
    if (over <= 0) {
      return;
    }
    record Candidate(long at, String node, String id, Session session, Held held) {}
    List<Candidate> all = new ArrayList<>();
    for (Session l : here) {
      all.add(new Candidate(l.info().connectedAt(), bus.nodeId(), l.sessionId(), l, null));
    }
    for (Held o : others) {
      all.add(new Candidate(o.connectedAt(), o.node(), o.sessionId(), null, o));
    }
    all.sort(Comparator.comparingLong(Candidate::at).thenComparing(Candidate::node).thenComparing(Candidate::id));
    String why = "more than " + maxPerUser + " sessions of this user (im.max-sessions-per-user); the oldest is closed";
    for (Candidate c : all.subList(0, over)) {
      if (c.session() != null) {
        c.session().kick(KickReason.KICK_REASON_TOO_MANY_SESSIONS, why);
      } else {
        kickElsewhere(s.user(), c.held(), KickReason.KICK_REASON_TOO_MANY_SESSIONS, why);
      }
    }
  }

  private void kickElsewhere(String user, Held h, KickReason reason, String why) {
    bus.send(h.node(), BusFrames.KICK, BusFrames.kick(new BusFrames.Kick(user, h.sessionId(), reason.getNumber(), why)));
  }

  /** On the bus thread: another node asks to kick one of this node's sessions. */
  private void kicked(BusFrames.Kick k) {
    KickReason reason = KickReason.forNumber(k.reason());
    for (Session s : local.sessions(k.user())) {
      if (s.sessionId().equals(k.sessionId())) {
        s.kick(reason == null ? KickReason.KICK_REASON_UNSPECIFIED : reason, k.message());
      }
    }
  }

  @Override
  public boolean unregister(Session s) {
    boolean last = local.unregister(s);
    bus.release(Held.key(s.user()), s.sessionId());
    return last;
  }

  @Override
  public Session[] sessions(String user) {
    return local.sessions(user);
  }

  @Override
  public boolean isOnline(String user) {
    return local.isOnline(user) || !liveElsewhere(user).isEmpty();
  }

  @Override
  public int onlineUsers() {
    return local.onlineUsers();
  }

  @Override
  public int sessionCount() {
    return local.sessionCount();
  }

  @Override
  public void forEach(Consumer<Session> action) {
    local.forEach(action);
  }

  @Override
  public CompletionStage<List<Remote>> sessionsElsewhere(String user) {
    return elsewhere(user).thenApply(list -> {
      List<Remote> out = new ArrayList<>();
      for (Held h : list) {
        out.add(new Remote(h.node(), h.sessionId(), user, h.deviceId(),
            SessionInfo.platformName(Platform.forNumber(h.platform())), h.connectedAt()));
      }
      return out;
    });
  }

  @Override
  public CompletionStage<Integer> kickElsewhere(String user, String node, String sessionId, KickReason reason,
      String why) {
    return elsewhere(user).thenApply(list -> {
      int n = 0;
      for (Held h : list) {
        if (sessionId == null || (h.sessionId().equals(sessionId) && (node == null || h.node().equals(node)))) {
          kickElsewhere(user, h, reason, why);
          n++;
        }
      }
      return n;
    });
  }

  private CompletionStage<List<Held>> elsewhere(String user) {
    String key = Held.key(user);
    return bus.heldElsewhere(List.of(key)).thenApply(map -> {
      List<Held> out = new ArrayList<>();
      for (NodeBus.Held h : map.getOrDefault(key, List.of())) {
        Held o = Held.of(h);
        if (o != null) {
          out.add(o);
        }
      }
      return out;
    });
  }

  /** Drops users of nodes no longer alive (their presence turns offline); from a timer. */
  public void sweep() {
    Collection<String> nodes = alive.get();
    for (String user : List.copyOf(elsewhere.keySet())) {
      Set<String> on = elsewhere.get(user);
      if (on != null && on.removeIf(n -> !nodes.contains(n))) {
        show(user, local.isOnline(user));
      }
    }
  }

  /** Under the user's entry in the local directory: the first session here or the last one gone. */
  private void localTransition(Transition t) {
    bus.broadcast(BusFrames.PRESENCE, BusFrames.presence(t.online()
        ? new BusFrames.PresenceChange(List.of(t.user()), List.of())
        : new BusFrames.PresenceChange(List.of(), List.of(t.user()))));
    show(t.user(), t.online());
  }

  private void changedElsewhere(String from, BusFrames.PresenceChange change, boolean all) {
    if (all) {
      for (Map.Entry<String, Set<String>> e : elsewhere.entrySet()) {
        if (e.getValue().contains(from) && !change.online().contains(e.getKey())) {
          e.getValue().remove(from);
          show(e.getKey(), local.isOnline(e.getKey()));
        }
      }
    }
    for (String user : change.online()) {
      elsewhere.computeIfAbsent(user, k -> ConcurrentHashMap.newKeySet()).add(from);
      show(user, local.isOnline(user));
    }
    for (String user : change.offline()) {
      Set<String> on = elsewhere.get(user);
      if (on != null) {
        on.remove(from);
      }
      show(user, local.isOnline(user));
    }
  }

  /** Tells the presence hub when whether {@code user} is online anywhere changed. */
  private void show(String user, boolean onlineHere) {
    synchronized (locks[Math.floorMod(user.hashCode(), STRIPES)]) {
      Set<String> on = elsewhere.get(user);
      if (on != null && on.isEmpty()) {
        elsewhere.remove(user, on);
      }
      boolean online = onlineHere || !liveElsewhere(user).isEmpty();
      if (online ? shownOnline.add(user) : shownOnline.remove(user)) {
        presence.accept(new Transition(user, online));
      }
    }
  }

  private Set<String> liveElsewhere(String user) {
    Set<String> on = elsewhere.get(user);
    return on == null ? Set.of() : on;
  }

  private byte[] snapshot() {
    Set<String> users = new LinkedHashSet<>();
    local.forEach(s -> users.add(s.user()));
    return BusFrames.presence(new BusFrames.PresenceChange(List.copyOf(users), List.of()));
  }
}
