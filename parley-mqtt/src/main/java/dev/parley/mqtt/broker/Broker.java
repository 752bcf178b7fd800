package dev.parley.mqtt.broker;

import dev.parley.core.time.TimeSource;
import dev.parley.mqtt.config.MqttSettings;
import dev.parley.mqtt.message.AppMessage;
import dev.parley.mqtt.message.WillMessage;
import dev.parley.mqtt.routing.LocalMessageRouter;
import dev.parley.mqtt.routing.LocalSessionDirectory;
import dev.parley.mqtt.routing.MessageRouter;
import dev.parley.mqtt.routing.SessionDirectory;
import dev.parley.mqtt.session.Link;
import dev.parley.mqtt.session.Outgoing;
import dev.parley.mqtt.session.Session;
import dev.parley.mqtt.session.SessionHost;
import dev.parley.mqtt.session.SubscriptionEntry;
import dev.parley.mqtt.store.MqttStore;
import dev.parley.mqtt.store.SessionStore;
import dev.parley.mqtt.store.StoredSession;
import dev.parley.mqtt.store.SubscriptionRow;
import dev.parley.mqtt.topic.RetainedTree;
import dev.parley.mqtt.topic.SubscriptionTrie;
import dev.parley.mqtt.topic.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.util.concurrent.EventExecutor;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The broker's shared state: the session directory, this node's subscriptions and the router that
 * delivers by them, retained messages, and the store. Thread-safe; sessions do their own work on
 * their event loops.
 */
public final class Broker implements SessionHost {
  private final MqttSettings settings;
  private final MqttStore store;
  private final TimeSource time;
  private final SubscriptionTrie<SubscriptionEntry> trie = new SubscriptionTrie<>();
  private final RetainedTree<AppMessage> retained = new RetainedTree<>();
  private final SessionDirectory directory;
  private final MessageRouter router;
  private final Counter received;
  private final Counter sent;
  private final MeterRegistry metrics;
  private final Map<String, Counter> dropped = new ConcurrentHashMap<>();
  private volatile Consumer<AppMessage> retainedChanged = m -> { };

  /** @param time every clock and timer of the broker: wills, session expiry, message expiry */
  public Broker(MqttSettings settings, MqttStore store, TimeSource time, MeterRegistry metrics) {
    this(settings, store, time, metrics, local -> local, new LocalSessionDirectory());
  }

  /**
   * @param routing wraps this node's router (the cluster's router routes to other nodes too);
   *     identity on a single server
   * @param directory which node holds each client id's session (the cluster's asks the other nodes)
   */
  public Broker(MqttSettings settings, MqttStore store, TimeSource time, MeterRegistry metrics,
      Function<LocalMessageRouter, MessageRouter> routing, SessionDirectory directory) {
    this.settings = settings;
    this.directory = directory;
    this.store = store;
    this.time = time;
    this.metrics = metrics;
    this.router = routing.apply(new LocalMessageRouter(trie, store));
    this.received = Counter.builder("parley.mqtt.messages.received").description("PUBLISH packets received from clients")
        .register(metrics);
    this.sent = Counter.builder("parley.mqtt.messages.sent").description("PUBLISH packets sent to clients")
        .register(metrics);
    Gauge.builder("parley.mqtt.sessions", directory, d -> d.sessions().size()).description("Sessions, connected or not")
        .register(metrics);
    Gauge.builder("parley.mqtt.subscriptions", trie, SubscriptionTrie::size).description("Subscriptions")
        .register(metrics);
    Gauge.builder("parley.mqtt.retained", retained, RetainedTree::size).description("Retained messages")
        .register(metrics);
  }

  /**
   * What publishing did.
   *
   * @param matched sessions the message went to
   * @param durable completes when everything stored for it is durable (null when nothing was)
   * @param retainRefused the retained-message limit refused to keep it
   */
  public record Published(int matched, CompletableFuture<Void> durable, boolean retainRefused) {}

  /** Publishes a message: keeps it if retained, then delivers it to every matching subscription. */
  public Published publish(AppMessage m) {
    return publish(m, null);
  }

  /** Publishes a client's message of QoS 2 flow {@code flow} (null: not a client's QoS 2 publish). */
  public Published publish(AppMessage m, MessageRouter.Qos2 flow) {
    CompletableFuture<Void> retainedWrite = null;
    boolean refused = false;
    if (m.retain() && settings.retainEnabled()) {
      if (m.payload().length == 0) {
        if (retained.put(m.topic(), null) != null) {
          retainedWrite = store.saveRetained(m);
        }
      } else if (retained.size() >= settings.maxRetained() && retained.get(m.topic()) == null) {
        refused = true;
      } else {
        retained.put(m.topic(), m);
        retainedWrite = store.saveRetained(m);
      }
    }
    if (retainedWrite != null) {
      retainedChanged.accept(m);
    }
    MessageRouter.Routed r = flow == null ? router.route(m) : router.route(m, flow);
    CompletableFuture<Void> durable = r.durable();
    if (retainedWrite != null) {
      durable = durable == null ? retainedWrite : CompletableFuture.allOf(durable, retainedWrite);
    }
    return new Published(r.matched(), durable, refused);
  }

  /** Runs {@code listener} with every retained message this node sets or clears (empty payload). */
  public void onRetainedChanged(Consumer<AppMessage> listener) {
    this.retainedChanged = listener;
  }

  /**
   * Another node set (or, with an empty payload, cleared) the retained message of a topic: the
   * in-memory copy follows; the store already has it.
   */
  public void retainedElsewhere(AppMessage m) {
    retained.put(m.topic(), m.payload().length == 0 ? null : m);
  }

  /** Retained messages matching {@code filter}, skipping (and forgetting) expired ones. */
  public void retainedFor(String filter, Consumer<AppMessage> sink) {
    long now = nowMillis();
    retained.match(filter, m -> {
      if (m.expired(now)) {
        if (retained.get(m.topic()) == m) {
          retained.put(m.topic(), null);
          store.saveRetained(new AppMessage(m.topic(), new byte[0], 0, true, m.props(), AppMessage.NEVER, null));
        }
      } else {
        sink.accept(m);
      }
    });
  }

  /** A message to one session outside routing (retained messages at subscribe), stored if it must be. */
  public Outgoing outgoingFor(Session s, AppMessage m, int qos, boolean retain, int[] subIds) {
    long storeId = 0;
    if (qos > 0 && s.persistent()) {
      storeId = store.nextQueueId();
      store.insertQueued(List.of(new MqttStore.QueuedRow(storeId, s.key(), m, qos, retain, subIds)));
    }
    return new Outgoing(m, qos, retain, subIds, storeId);
  }

  // --- sessions -----------------------------------------------------------------------------

  /**
   * Finds or creates the session of {@code clientId} for a new connection on {@code loop}, taking
   * it over from the connection that holds it. {@code ready} runs on {@code loop} with the session
   * and whether it was present; it is not called if {@code wanted} turns false (the new
   * connection went away meanwhile). When the session belongs to a user other than {@code userId}
   * (held here, on another node, or stored), or a cluster cannot tell who holds it, {@code refused}
   * gets why instead, on any thread.
   */
  public void open(String clientId, String userId, boolean cleanStart, EventExecutor loop, BooleanSupplier wanted,
      BiConsumer<Session, Boolean> ready, Consumer<SessionDirectory.Refusal> refused) {
    directory.claim(clientId, userId, cleanStart, stored -> stored == null ? newSession(clientId, loop)
        : fromStore(stored, loop), (session, existed) -> {
      if (existed) {
        session.execute(() -> takeover(session, clientId, userId, cleanStart, loop, wanted, ready, refused));
      } else {
        ready.accept(session, false);
      }
    }, refused);
  }

  private void takeover(Session old, String clientId, String userId, boolean cleanStart, EventExecutor loop,
      BooleanSupplier wanted, BiConsumer<Session, Boolean> ready, Consumer<SessionDirectory.Refusal> refused) {
    if (old.ended()) {
      loop.execute(() -> open(clientId, userId, cleanStart, loop, wanted, ready, refused));
      return;
    }
    if (!wanted.getAsBoolean()) {
      return;
    }
    Link previous = old.takeOver(cleanStart);
    if (previous != null) {
      previous.takenOver();
    }
    if (cleanStart) {
      old.end();
      loop.execute(() -> open(clientId, userId, true, loop, wanted, ready, refused));
    } else {
      old.moveTo(loop);
      loop.execute(() -> {
        if (wanted.getAsBoolean()) {
          ready.accept(old, true);
        } else {
          // The new connection died in transit; the session stays, offline, on this loop.
          old.detachedInTransit();
        }
      });
    }
  }

  /**
   * Another node takes the session over: its connection (if any) is told and closed, the will
   * goes out by the takeover rules, and the session leaves this node, its rows kept in the store
   * for the other node unless {@code sessionEnds} (clean start) or it is not persistent. On the
   * session's loop.
   */
  public void handOver(Session s, boolean sessionEnds) {
    boolean ends = sessionEnds || !s.persistent();
    Link previous = s.takeOver(ends);
    if (previous != null) {
      previous.takenOver();
    }
    if (ends) {
      s.end();
    } else {
      s.handedOver();
    }
  }

  /**
   * A session loaded from the store for a client connecting here (a cluster): filled on
   * {@code loop} before anything else runs for it there. An expired one is deleted (its will goes
   * out) and a new session takes its place; a will whose delay passed while no node held the
   * session goes out now.
   */
  private Session fromStore(StoredSession stored, EventExecutor loop) {
    SessionStore.SessionRow row = stored.row();
    long now = nowMillis();
    boolean expired = row.disconnectedAt() > 0 && row.expirySeconds() < Session.NEVER_EXPIRES
        && row.disconnectedAt() + row.expirySeconds() * 1000 <= now;
    // A will with no due time was a connection's lost with its node: the client is back, so not sent.
    boolean willDue = row.will() != null && (expired || (row.willDueAt() > 0 && row.willDueAt() <= now));
    if (willDue) {
      publishWillOf(row.clientId(), row.will());
    }
    if (expired) {
      store.deleteSession(row.key());
      return newSession(row.clientId(), loop);
    }
    Session s = new Session(this, row.clientId(), row.key(), loop);
    StoredSession kept = willDue ? new StoredSession(new SessionStore.SessionRow(row.key(), row.clientId(),
        row.level(), row.expirySeconds(), row.disconnectedAt(), row.userId(), null, 0), stored.subscriptions(),
        stored.messages(), stored.inbound()) : stored;
    loop.execute(() -> fill(s, kept, now));
    return s;
  }

  /**
   * Gives {@code session} what the store kept of it: subscriptions, queued and in-flight messages,
   * inbound QoS 2 ids, expiry and pending will. On its loop.
   */
  public void fill(Session session, StoredSession s, long now) {
    SessionStore.SessionRow row = s.row();
    for (SubscriptionRow sub : s.subscriptions()) {
      Topics.Shared shared = Topics.parseShared(sub.filter());
      int o = sub.options();
      session.restoreSubscription(new SubscriptionEntry(session, sub.filter(),
          shared == null ? sub.filter() : shared.filter(), shared == null ? null : shared.group(), o & 0x03,
          (o & 0x04) != 0, (o & 0x08) != 0, (o >> 4) & 0x03, sub.subscriptionId()));
    }
    for (StoredSession.QueuedMessage m : s.messages()) {
      session.restoreOutgoing(Outgoing.restored(m.message(), m.qos(), m.retain(), m.subscriptionIds(), m.id(),
          m.packetId(), m.released()));
    }
    for (int id : s.inbound()) {
      session.restoreInbound(id);
    }
    long disconnectedAt = row.disconnectedAt() == 0 ? now : row.disconnectedAt();
    session.restoreOffline(row.level(), row.expirySeconds(), row.userId(), disconnectedAt,
        row.will(), row.willDueAt());
  }

  /**
   * A session that a node which died held, taken on by this one (a cluster) on {@code loop}, offline,
   * so that what is published for it is queued until its client returns and it expires and sends a
   * delayed will as it would have there. A will with no due time (the client was connected when
   * its node died) is not sent. Null when the stored session had expired (deleted, its will sent).
   */
  public Session adopt(StoredSession stored, EventExecutor loop) {
    Session s = fromStore(stored, loop);
    return s.key() == stored.row().key() ? s : null;
  }

  /** A session restored from the store at start. */
  public Session restore(String clientId, long key, EventExecutor home) {
    Session s = new Session(this, clientId, key, home);
    directory.restored(s);
    return s;
  }

  private Session newSession(String clientId, EventExecutor loop) {
    return new Session(this, clientId, ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE), loop);
  }

  /** The session of {@code clientId} on this node, or null. */
  public Session session(String clientId) {
    return directory.local(clientId);
  }

  /** The sessions on this node, connected or not. */
  public Collection<Session> sessions() {
    return directory.sessions();
  }

  /** This node's subscriptions. */
  public SubscriptionTrie<SubscriptionEntry> subscriptions() {
    return trie;
  }

  public RetainedTree<AppMessage> retained() {
    return retained;
  }

  /** Counts a PUBLISH received from a client. */
  public void received() {
    received.increment();
  }

  // --- SessionHost -------------------------------------------------------------------------

  @Override
  public MqttSettings settings() {
    return settings;
  }

  @Override
  public SessionStore store() {
    return store;
  }

  @Override
  public void subscribed(SubscriptionEntry entry) {
    router.subscribed(entry);
  }

  @Override
  public void unsubscribed(SubscriptionEntry entry) {
    router.unsubscribed(entry);
  }

  @Override
  public void sessionEnded(Session session) {
    directory.release(session);
  }

  @Override
  public void publishWill(Session session, WillMessage w) {
    publishWillOf(session.clientId(), w);
  }

  private void publishWillOf(String clientId, WillMessage w) {
    long expiry = w.props().messageExpirySeconds();
    long now = nowMillis();
    publish(new AppMessage(w.topic(), w.payload(), w.qos(), w.retain(), w.props(),
        expiry < 0 ? AppMessage.NEVER : now + expiry * 1000, clientId));
  }

  @Override
  public void dropped(String reason) {
    dropped.computeIfAbsent(reason, r -> Counter.builder("parley.mqtt.messages.dropped").tag("reason", r)
        .description("Messages not delivered to a session (queue full, expired, slow consumer, offline QoS 0)")
        .register(metrics)).increment();
  }

  /** Messages dropped so far for {@code reason}. */
  public double droppedCount(String reason) {
    Counter c = dropped.get(reason);
    return c == null ? 0 : c.count();
  }

  @Override
  public void sent() {
    sent.increment();
  }

  @Override
  public TimeSource time() {
    return time;
  }

  @Override
  public long nowMillis() {
    return time.millis();
  }
}
