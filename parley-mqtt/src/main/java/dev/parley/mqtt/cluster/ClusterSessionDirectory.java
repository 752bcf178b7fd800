package dev.parley.mqtt.cluster;

import dev.parley.core.cluster.NodeBus;
import dev.parley.core.time.TimeSource;
import dev.parley.mqtt.broker.Broker;
import dev.parley.mqtt.routing.SessionDirectory;
import dev.parley.mqtt.session.Session;
import dev.parley.mqtt.store.MqttStore;
import dev.parley.mqtt.store.StoredSession;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The directory of a cluster node. The node holding a client id's session (connected or offline)
 * holds {@code mqtt:c:<clientId>} on the bus. A client connecting here whose session is not here
 * asks the holder to hand it over ({@value #HANDOVER}): the holder closes the old connection
 * (MQTT 5: 0x8E), publishes the will by the takeover rules, makes its writes durable, forgets the
 * session and answers ({@value #HANDED}). This node waits for the answer (at most
 * {@link #ANSWER_WAIT} on the time source), then loads the session from the shared store. Claims
 * of one client id on this node run one after another.
 */
public final class ClusterSessionDirectory implements SessionDirectory {
  static final String HANDOVER = "mqtt.handover";
  static final String HANDED = "mqtt.handed";
  static final Duration ANSWER_WAIT = Duration.ofSeconds(5);
  private static final String FIELD = "s";
  private static final Logger log = LoggerFactory.getLogger(ClusterSessionDirectory.class);

  private final NodeBus bus;
  private final MqttStore store;
  private final TimeSource time;
  private final ScheduledExecutorService timers;
  private final Map<String, Session> sessions = new ConcurrentHashMap<>();
  /** Client id -> claims waiting for the one under way; guarded by itself. */
  private final Map<String, List<Runnable>> claiming = new ConcurrentHashMap<>();
  /** Client id -> the answer awaited from the node that held it. */
  private final Map<String, CompletableFuture<Void>> awaited = new ConcurrentHashMap<>();

  /** @param timers where the wait for an answer times out */
  public ClusterSessionDirectory(NodeBus bus, MqttStore store, TimeSource time, ScheduledExecutorService timers) {
    this.bus = bus;
    this.store = store;
    this.time = time;
    this.timers = timers;
  }

  static String key(String clientId) {
    return "mqtt:c:" + clientId;
  }

  /** Answers the other nodes' handover requests for sessions of {@code broker}. */
  public void start(Broker broker) {
    bus.listen(HANDOVER, (from, payload) -> {
      boolean clean = payload.length > 0 && payload[0] == 1;
      String clientId = new String(payload, 1, payload.length - 1, StandardCharsets.UTF_8);
      Session s = sessions.get(clientId);
      if (s == null) {
        bus.send(from, HANDED, clientId.getBytes(StandardCharsets.UTF_8));
        return;
      }
      s.execute(() -> {
        broker.handOver(s, clean);
        store.flush().whenComplete((ok, failed) -> bus.send(from, HANDED, clientId.getBytes(StandardCharsets.UTF_8)));
      });
    });
    bus.listen(HANDED, (from, payload) -> {
      CompletableFuture<Void> f = awaited.get(new String(payload, StandardCharsets.UTF_8));
      if (f != null) {
        f.complete(null);
      }
    });
  }

  @Override
  public Session local(String clientId) {
    return sessions.get(clientId);
  }

  @Override
  public void claim(String clientId, boolean cleanStart, Function<StoredSession, Session> make,
      BiConsumer<Session, Boolean> then) {
    Session existing = sessions.get(clientId);
    if (existing != null) {
      then.accept(existing, true);
      return;
    }
    List<Runnable> waiting = new ArrayList<>();
    List<Runnable> current = claiming.putIfAbsent(clientId, waiting);
    if (current != null) {
      synchronized (current) {
        if (claiming.get(clientId) == current) {
          current.add(() -> claim(clientId, cleanStart, make, then));
          return;
        }
      }
      claim(clientId, cleanStart, make, then);
      return;
    }
    handedHere(clientId, cleanStart)
        .thenCompose(done -> store.loadSession(clientId))
        .whenComplete((stored, failed) -> {
          if (failed != null) {
            log.warn("MQTT session of {} not loaded from the store: {}", clientId, failed.toString());
          }
          Session s = make.apply(failed == null ? stored : null);
          sessions.put(clientId, s);
          bus.hold(key(clientId), FIELD, "");
          List<Runnable> later;
          synchronized (waiting) {
            claiming.remove(clientId);
            later = List.copyOf(waiting);
          }
          boolean existed = stored != null && failed == null && s.key() == stored.row().key();
          // After the work make queued for the session on its loop (filling it from the store).
          s.home().execute(() -> then.accept(s, existed));
          later.forEach(Runnable::run);
        });
  }

  /** Completes when no other node holds the session of {@code clientId} any more (or the wait ran out). */
  private CompletableFuture<Void> handedHere(String clientId, boolean cleanStart) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    bus.heldElsewhere(List.of(key(clientId))).whenComplete((held, failed) -> {
      if (failed != null) {
        log.warn("MQTT: who holds the session of {} is unknown ({}); loading it from the store", clientId,
            failed.toString());
        done.complete(null);
        return;
      }
      List<NodeBus.Held> holders = held.getOrDefault(key(clientId), List.of());
      if (holders.isEmpty()) {
        done.complete(null);
        return;
      }
      awaited.put(clientId, done);
      byte[] id = clientId.getBytes(StandardCharsets.UTF_8);
      byte[] request = new byte[id.length + 1];
      request[0] = (byte) (cleanStart ? 1 : 0);
      System.arraycopy(id, 0, request, 1, id.length);
      for (NodeBus.Held h : holders) {
        bus.send(h.node(), HANDOVER, request);
      }
      time.schedule(timers, () -> {
        if (done.complete(null)) {
          log.warn("MQTT: no node answered for the session of {} within {}; loading it from the store", clientId,
              ANSWER_WAIT);
        }
      }, ANSWER_WAIT);
    });
    return done.whenComplete((ok, failed) -> awaited.remove(clientId, done));
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
