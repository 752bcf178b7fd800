package dev.parley.mqtt.cluster;

import dev.parley.core.cluster.NodeBus;
import dev.parley.core.time.TimeSource;
import dev.parley.mqtt.broker.Broker;
import dev.parley.mqtt.routing.SessionDirectory;
import dev.parley.mqtt.session.Session;
import dev.parley.mqtt.store.MqttStore;
import dev.parley.mqtt.store.StoredSession;
import io.netty.util.concurrent.EventExecutor;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The directory of a cluster node. The node holding a client id's session (connected or offline)
 * holds {@code mqtt:c:<clientId>} on the bus. A client connecting here whose session is not here
 * asks the holder to hand it over ({@value #HANDOVER}): the holder closes the old connection
 * (MQTT 5: 0x8E), publishes the will by the takeover rules, makes its writes durable, forgets the
 * session and answers ({@value #HANDED}). This node waits for the answers (at most
 * {@link #ANSWER_WAIT} on the time source), then loads the session from the shared store. Claims
 * of one client id on this node run one after another.
 *
 * <p>Two nodes claiming one client id at once end with one holder, the later claim: a claim first
 * holds the key with its stamp (the time source's millis, ties broken by node id; the value turns
 * empty once the session is built), then looks who else holds it. It asks every holder with an
 * empty value or an older stamp to hand over, and does not ask the newer claims: it builds its
 * session, answers its connection and then hands the session over itself (the connection gets
 * 0x8E). A handover asked while a claim of that client id is under way here waits until the
 * connection took the session. Of two claims at least one sees the other (both hold before they
 * look), so either the newer one asks the older to hand over or the older one gives way, or both.
 *
 * <p>The sessions of a node that died are taken on by the node whose purge removed its entries
 * ({@link NodeBus#onOrphaned}): for each it claims the key (unless a connection already holds or
 * claims it anywhere), loads the session from the store and keeps it offline, so its
 * subscriptions route here and what is published for it is queued, as on the node that died.
 * Until the claim has decided, the bus keeps each such session as this node's, pending: if this
 * node dies too before, the node that finds it gone takes them on in turn.
 */
public final class ClusterSessionDirectory implements SessionDirectory {
  static final String HANDOVER = "mqtt.handover";
  static final String HANDED = "mqtt.handed";
  /** A handover refused: the session belongs to another user than the one whose connection asked for it. */
  static final String REFUSED = "mqtt.refused";
  /** The node that asked for a session holds it now: the node that handed it over lets go of its filters. */
  static final String TOOK = "mqtt.took";
  /** A draining node's sessions, for the node it names to take on (client ids, separated by U+0000, which MQTT forbids in them). */
  static final String HAND_OFF = "mqtt.handoff";
  /** Client ids per {@value #HAND_OFF} message. */
  private static final int HAND_OFF_CHUNK = 500;
  static final Duration ANSWER_WAIT = Duration.ofSeconds(5);
  private static final String FIELD = "s";
  private static final String PREFIX = "mqtt:c:";
  private static final Logger log = LoggerFactory.getLogger(ClusterSessionDirectory.class);

  private final NodeBus bus;
  private final MqttStore store;
  private final TimeSource time;
  private final ScheduledExecutorService timers;
  private final Map<String, Session> sessions = new ConcurrentHashMap<>();
  /** Client id -> what waits for the claim under way (claims, handovers asked); guarded by itself. */
  private final Map<String, List<Runnable>> claiming = new ConcurrentHashMap<>();
  /** Client id -> the claim under way here that awaits the answers of the nodes that held it. */
  private final Map<String, Claim> awaited = new ConcurrentHashMap<>();
  /** Client ids of dead nodes' sessions whose claim failed, to take on when the bus is back. */
  private final Set<String> unclaimed = ConcurrentHashMap.newKeySet();
  private volatile Broker broker;
  private volatile ClusterMessageRouter router;
  private volatile Supplier<EventExecutor> homes;

  /** @param timers where the wait for an answer times out */
  public ClusterSessionDirectory(NodeBus bus, MqttStore store, TimeSource time, ScheduledExecutorService timers) {
    this.bus = bus;
    this.store = store;
    this.time = time;
    this.timers = timers;
  }

  static String key(String clientId) {
    return PREFIX + clientId;
  }

  /**
   * Answers the other nodes' handover requests for sessions of {@code broker}, and takes on the
   * sessions of dead nodes that the bus hands this node, on loops from {@code homes}; a session
   * handed over keeps its filters in {@code router} until the node that asked for it holds it.
   */
  public void start(Broker broker, Supplier<EventExecutor> homes, ClusterMessageRouter router) {
    this.broker = broker;
    this.router = router;
    this.homes = homes;
    bus.onOrphaned(PREFIX, (node, entries) -> {
      log.info("MQTT: taking on {} session(s) held by node {}, which is gone", entries.size(), node);
      entries.keySet().forEach(k -> adopt(k.substring(PREFIX.length())));
    });
    // A dead node's session whose claim failed (Redis away) is still this node's to take on.
    bus.onResume(() -> List.copyOf(unclaimed).forEach(id -> {
      unclaimed.remove(id);
      adopt(id);
    }));
    bus.listen(HANDOVER, (from, payload) -> {
      BusCodec.HandoverRequest r = BusCodec.decodeHandover(payload);
      if (r != null) {
        handOverAsked(from, r.clean(), r.user(), r.clientId());
      }
    });
    bus.listen(REFUSED, (from, payload) -> {
      Claim c = awaited.get(new String(payload, StandardCharsets.UTF_8));
      if (c != null) {
        c.refused();
      }
    });
    bus.listen(HAND_OFF, (from, payload) -> {
      List<String> ids = List.of(new String(payload, StandardCharsets.UTF_8).split("\u0000"));
      log.info("MQTT: taking on {} session(s) from node {}, which is draining", ids.size(), from);
      ids.stream().filter(id -> !id.isEmpty()).forEach(this::adopt);
    });
    bus.listen(TOOK, (from, payload) -> router.taken(new String(payload, StandardCharsets.UTF_8)));
    bus.listen(HANDED, (from, payload) -> {
      Claim c = awaited.get(new String(payload, StandardCharsets.UTF_8));
      if (c != null) {
        c.answered(from);
      }
    });
  }

  /** Node {@code from} asks for the session of {@code clientId} for a connection of {@code user} ("": anonymous). */
  private void handOverAsked(String from, boolean clean, String user, String clientId) {
    List<Runnable> waiting = claiming.get(clientId);
    if (waiting != null) {
      synchronized (waiting) {
        if (claiming.get(clientId) == waiting) {
          waiting.add(() -> handOverAsked(from, clean, user, clientId));
          return;
        }
      }
    }
    Session s = sessions.get(clientId);
    if (s == null) {
      bus.send(from, HANDED, clientId.getBytes(StandardCharsets.UTF_8));
      return;
    }
    if (!ownedBy(s.ownerId(), user)) {
      // A client id is not a credential: another user's session stays theirs, connected or not.
      bus.send(from, REFUSED, clientId.getBytes(StandardCharsets.UTF_8));
      return;
    }
    s.execute(() -> handOver(s, clean, from));
  }

  private static String orEmpty(String userId) {
    return userId == null ? "" : userId;
  }

  /** Whether a session of {@code owner} (null: anonymous) may go to a connection of {@code user} ("": anonymous). */
  private static boolean ownedBy(String owner, String user) {
    return user.equals(orEmpty(owner));
  }

  /** Hands {@code s} over (on its loop) and answers {@code to}, if not null, once its writes are durable. */
  private void handOver(Session s, boolean clean, String to) {
    if (!s.ended()) {
      // Until the asking node holds the session, what is published for it is not acknowledged.
      boolean keep = to != null && !clean;
      if (keep) {
        router.handing(s, s.clientId());
      }
      try {
        broker.handOver(s, clean);
      } finally {
        router.handed(s);
      }
    }
    store.flush().whenComplete((ok, failed) -> {
      if (to != null) {
        bus.send(to, HANDED, s.clientId().getBytes(StandardCharsets.UTF_8));
      }
    });
  }

  /**
   * This node drains (its connections are closed and its writes durable): it lets go of every
   * session it holds and names them to the nodes in {@code to} (one after another, so each takes
   * on its share), which take them on as a dead node's (loaded from the store, offline until their
   * clients return). Each key is passed on to its taker on the bus, pending until that node's
   * claim has decided (so if the taker dies first, the node that finds it gone takes the session
   * on); the bus runs that before the messages, so the takers' claims find the keys free. Answers
   * how many were handed off.
   */
  public int handOff(List<String> to) {
    List<List<String>> shares = new ArrayList<>();
    to.forEach(n -> shares.add(new ArrayList<>()));
    int count = 0;
    for (Session s : List.copyOf(sessions.values())) {
      if (!to.isEmpty() && sessions.remove(s.clientId(), s)) {
        int share = count++ % to.size();
        bus.passOn(key(s.clientId()), FIELD, to.get(share));
        shares.get(share).add(s.clientId());
      }
    }
    for (int n = 0; n < to.size(); n++) {
      List<String> ids = shares.get(n);
      for (int i = 0; i < ids.size(); i += HAND_OFF_CHUNK) {
        String chunk = String.join("\u0000", ids.subList(i, Math.min(ids.size(), i + HAND_OFF_CHUNK)));
        bus.send(to.get(n), HAND_OFF, chunk.getBytes(StandardCharsets.UTF_8));
      }
    }
    return count;
  }

  /** Whether the claim of {@code clientId}, a session taken on from another node, failed and waits for the bus. */
  boolean waitsToClaim(String clientId) {
    return unclaimed.contains(clientId);
  }

  @Override
  public Session local(String clientId) {
    return sessions.get(clientId);
  }

  @Override
  public void claim(String clientId, String userId, boolean cleanStart, Function<StoredSession, Session> make,
      BiConsumer<Session, Boolean> then, Consumer<Refusal> refused) {
    Session existing = sessions.get(clientId);
    if (existing != null) {
      if (ownedBy(existing.ownerId(), orEmpty(userId))) {
        then.accept(existing, true);
      } else {
        refused.accept(Refusal.ANOTHER_USER);
      }
      return;
    }
    List<Runnable> waiting = new ArrayList<>();
    List<Runnable> current = claiming.putIfAbsent(clientId, waiting);
    if (current != null) {
      synchronized (current) {
        if (claiming.get(clientId) == current) {
          current.add(() -> claim(clientId, userId, cleanStart, make, then, refused));
          return;
        }
      }
      claim(clientId, userId, cleanStart, make, then, refused);
      return;
    }
    long stamp = time.millis();
    bus.hold(key(clientId), FIELD, Long.toString(stamp));
    Claim claim = new Claim(orEmpty(userId));
    handedHere(clientId, cleanStart, stamp, claim)
        .thenCompose(done -> claim.refused || claim.unknown ? CompletableFuture.<StoredSession>completedFuture(null)
            : store.loadSession(clientId))
        .whenComplete((stored, failed) -> {
          if (failed != null) {
            log.warn("MQTT session of {} not loaded from the store: {}", clientId, failed.toString());
          }
          boolean another = failed == null && stored != null && !ownedBy(stored.row().userId(), claim.user);
          if (claim.refused || claim.unknown || another) {
            bus.release(key(clientId), FIELD);
            settled(clientId, waiting);
            refused.accept(claim.unknown ? Refusal.HOLDER_UNKNOWN : Refusal.ANOTHER_USER);
            return;
          }
          Session s = make.apply(failed == null ? stored : null);
          sessions.put(clientId, s);
          bus.hold(key(clientId), FIELD, "");
          boolean existed = stored != null && failed == null && s.key() == stored.row().key();
          // After the work make queued for the session on its loop (filling it from the store).
          s.home().execute(() -> {
            then.accept(s, existed);
            // Then has put the connection's taking of the session on this loop: what waited goes after it.
            s.home().execute(() -> claimed(clientId, s, waiting, claim.outdone, claim.asked));
          });
        });
  }

  /**
   * Takes on the session of {@code clientId} that a dead node held, unless a connection here has it
   * or is taking it, or another node holds it by now (a connection of its client there, or another
   * taker): the bus claim decides, and a connection's claim elsewhere later asks this node to hand
   * it over as for any session held here. The bus keeps the session's key as this node's,
   * pending, until the claim has decided (settled then; if this node dies first, the node that
   * finds it gone takes the session on in turn).
   */
  private void adopt(String clientId) {
    List<Runnable> waiting = new ArrayList<>();
    if (sessions.containsKey(clientId) || claiming.putIfAbsent(clientId, waiting) != null) {
      bus.settle(key(clientId), FIELD);
      return;
    }
    bus.claim(key(clientId), FIELD, "").whenComplete((held, failed) -> {
      if (failed != null) {
        unclaimed.add(clientId);
      } else {
        bus.settle(key(clientId), FIELD);
      }
      if (failed != null || !held.node().equals(bus.nodeId())) {
        settled(clientId, waiting);
        return;
      }
      store.loadSession(clientId).whenComplete((stored, unread) -> {
        Session s = unread == null && stored != null ? broker.adopt(stored, homes.get()) : null;
        if (s == null) {
          if (unread != null) {
            log.warn("MQTT session of {} not taken on: {}", clientId, unread.toString());
          }
          bus.release(key(clientId), FIELD);
          settled(clientId, waiting);
          return;
        }
        sessions.put(clientId, s);
        // After the filling adopt queued on the session's loop.
        s.home().execute(() -> settled(clientId, waiting));
      });
    });
  }

  /** No claim of {@code clientId} is under way here any more: what waited for it runs. */
  private void settled(String clientId, List<Runnable> waiting) {
    endClaim(clientId, waiting).forEach(Runnable::run);
  }

  /** Ends the claim of {@code clientId} under way here; what waited for it, to run. */
  private List<Runnable> endClaim(String clientId, List<Runnable> waiting) {
    synchronized (waiting) {
      claiming.remove(clientId);
      return List.copyOf(waiting);
    }
  }

  /**
   * The claim of {@code clientId} is over: the nodes {@code asked} to hand the session over hear
   * that this node holds it, a newer claim elsewhere gets the session, then what waited runs.
   */
  private void claimed(String clientId, Session s, List<Runnable> waiting, boolean outdone, List<String> asked) {
    for (String node : asked) {
      bus.send(node, TOOK, clientId.getBytes(StandardCharsets.UTF_8));
    }
    List<Runnable> later = endClaim(clientId, waiting);
    if (outdone) {
      log.info("MQTT: a later claim of {} on another node takes the session", clientId);
      handOver(s, false, null);
    }
    later.forEach(Runnable::run);
  }

  /**
   * Completes when no other node holds the session of {@code clientId} any more (or the wait ran
   * out); notes in {@code claim} whether a newer claim holds it too, the nodes asked to hand it
   * over and whether one refused (the session is another user's).
   */
  private CompletableFuture<Void> handedHere(String clientId, boolean cleanStart, long stamp, Claim claim) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    bus.heldElsewhere(List.of(key(clientId))).whenComplete((held, failed) -> {
      if (failed != null) {
        // Another node may hold it: building it here too would leave two sessions of one client id.
        log.warn("MQTT: who holds the session of {} is unknown ({}); the connection is refused", clientId,
            failed.toString());
        claim.unknown = true;
        done.complete(null);
        return;
      }
      List<String> older = new ArrayList<>();
      for (NodeBus.Held h : held.getOrDefault(key(clientId), List.of())) {
        if (newer(h, stamp)) {
          claim.outdone = true;
        } else {
          older.add(h.node());
        }
      }
      if (older.isEmpty()) {
        done.complete(null);
        return;
      }
      claim.await(older, done);
      awaited.put(clientId, claim);
      byte[] request = BusCodec.encodeHandover(cleanStart, claim.user, clientId);
      for (String node : older) {
        bus.send(node, HANDOVER, request);
      }
      time.schedule(timers, () -> {
        if (done.complete(null)) {
          log.warn("MQTT: no node answered for the session of {} within {}; loading it from the store", clientId,
              ANSWER_WAIT);
        }
      }, ANSWER_WAIT);
    });
    return done.whenComplete((ok, failed) -> awaited.remove(clientId, claim));
  }

  /** Whether {@code h} is a claim under way (a stamp) later than this node's at {@code stamp}. */
  private boolean newer(NodeBus.Held h, long stamp) {
    if (h.value().isEmpty()) {
      return false;
    }
    long theirs;
    try {
      theirs = Long.parseLong(h.value());
    } catch (NumberFormatException e) {
      return false;
    }
    return theirs > stamp || (theirs == stamp && h.node().compareTo(bus.nodeId()) > 0);
  }

  /** Whether a claim of {@code clientId} here waits for the node that held it. */
  boolean awaiting(String clientId) {
    return awaited.containsKey(clientId);
  }

  @Override
  public void restored(Session session) {
    sessions.put(session.clientId(), session);
    bus.hold(key(session.clientId()), FIELD, "");
  }

  @Override
  public void release(Session session) {
    if (sessions.remove(session.clientId(), session)) {
      bus.release(key(session.clientId()), FIELD);
    }
  }

  @Override
  public Collection<Session> sessions() {
    return sessions.values();
  }
}
