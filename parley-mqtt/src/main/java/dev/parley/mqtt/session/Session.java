package dev.parley.mqtt.session;

import dev.parley.core.time.Cancellable;
import dev.parley.mqtt.auth.Identity;
import dev.parley.mqtt.codec.MqttVersion;
import dev.parley.mqtt.message.WillMessage;
import dev.parley.mqtt.store.SessionStore;
import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.Collection;
import java.util.List;

/**
 * The state of one client id and its lifecycle: attached to a connection or offline, persistent or
 * not, and when it ends (its expiry). What it holds lives in collaborators made on first use, so
 * an idle session costs this object alone: {@link Subscriptions}, the {@link Outbox} (messages in
 * flight and queued, packet ids), {@link InboundQos2} and the {@link SessionWill}.
 *
 * <p>Everything but the volatile fields is touched only on {@link #home()}, the event loop of the
 * connection it is attached to (or was last attached to); other threads hand work to it with
 * {@link #execute}.
 */
public final class Session {
  /** Session expiry that means "never" (MQTT 5, 3.1.2.11.2). */
  public static final long NEVER_EXPIRES = 0xFFFFFFFFL;

  private final SessionHost host;
  private final String clientId;
  private final long key;
  private volatile EventExecutor home;
  private volatile boolean connected;
  private volatile boolean persistent;
  private volatile boolean multiSubscribed;
  private volatile boolean ended;
  /** Ended here because another node took it over: its rows in the store are that node's now. */
  private boolean handedOver;
  /** The user id the session belongs to (null: anonymous); readable from any thread. */
  private volatile String ownerId;

  private Link link;
  private int level = MqttVersion.V5;
  private long expirySeconds;
  private Identity identity = Identity.ANONYMOUS;
  private boolean stored;
  private long disconnectedAt;
  private Cancellable expiryTimer = Cancellable.NONE;
  private SessionWill will;
  private Subscriptions subscriptions;
  private Outbox outbox;
  private InboundQos2 inbound;

  public Session(SessionHost host, String clientId, long key, EventExecutor home) {
    this.host = host;
    this.clientId = clientId;
    this.key = key;
    this.home = home;
  }

  public String clientId() {
    return clientId;
  }

  public long key() {
    return key;
  }

  public EventExecutor home() {
    return home;
  }

  /** Moves the session to another event loop; only on the current home, while no connection is attached. */
  public void moveTo(EventExecutor loop) {
    assert home.inEventLoop() && link == null;
    this.home = loop;
  }

  /** Runs {@code task} on the session's event loop, following it if it moves meanwhile. */
  public void execute(Runnable task) {
    EventExecutor h = home;
    if (h.inEventLoop()) {
      task.run();
    } else {
      h.execute(() -> execute(task));
    }
  }

  public boolean connected() {
    return connected;
  }

  public boolean persistent() {
    return persistent;
  }

  /** Whether it has more than one subscription (routing then merges overlapping ones). Any thread. */
  public boolean multiSubscribed() {
    return multiSubscribed;
  }

  public boolean ended() {
    return ended;
  }

  public Identity identity() {
    return identity;
  }

  /** The user id the session belongs to, null for anonymous clients. Any thread. */
  public String ownerId() {
    return ownerId;
  }

  public long expirySeconds() {
    return expirySeconds;
  }

  Link link() {
    return link;
  }

  int level() {
    return level;
  }

  // --- lifecycle (home loop) ------------------------------------------------------------

  /**
   * Attaches a new connection. Timers of the disconnected session stop; a pending delayed will is
   * cancelled, because the client came back in time.
   */
  public void attach(Link link, Identity identity, long expirySeconds, WillMessage will) {
    cancelTimers();
    this.link = link;
    this.level = link.level();
    this.identity = identity;
    this.ownerId = identity.userId();
    this.will = will == null ? null : new SessionWill(this, host, will);
    this.connected = true;
    setExpiry(expirySeconds);
    save();
  }

  private void setExpiry(long seconds) {
    this.expirySeconds = seconds;
    boolean wasPersistent = persistent;
    this.persistent = seconds > 0;
    if (wasPersistent && !persistent && stored) {
      host.store().deleteSession(key);
      stored = false;
    } else if (persistent && !wasPersistent && subscriptions != null) {
      subscriptions.saveAll();
    }
  }

  /** Changes the expiry at DISCONNECT (MQTT 5). */
  public void expiryOnDisconnect(long seconds) {
    setExpiry(seconds);
    save();
  }

  /** After CONNACK: resend what was in flight (DUP set), then what is queued. */
  public void resume() {
    if (outbox != null) {
      outbox.resume();
    }
  }

  /**
   * The connection closed. With {@code sendWill}, the will goes out after its delay (or at once,
   * or when the session ends first); a normal DISCONNECT discards it.
   */
  public void detach(Link from, boolean sendWill) {
    if (link != from) {
      return;
    }
    link = null;
    connected = false;
    disconnectedAt = host.nowMillis();
    SessionWill w = sendWill ? will : null;
    will = null;
    if (!persistent) {
      if (w != null) {
        w.publish();
      }
      end();
      return;
    }
    will = w;
    if (w != null && w.publishOrWait(expirySeconds, disconnectedAt, home)) {
      will = null;
    }
    save();
    scheduleExpiry(expirySeconds * 1000);
  }

  /**
   * Takeover: a new connection claims the session. The will of the connection that held it goes
   * out now if it has no delay or if the session ends (clean start); a delayed will pending for an
   * offline session is cancelled unless the session ends. Returns the link that held the session.
   */
  public Link takeOver(boolean sessionEnds) {
    cancelTimers();
    Link previous = link;
    SessionWill w = will;
    will = null;
    link = null;
    connected = false;
    if (w != null && (sessionEnds || (previous != null && w.immediate()))) {
      w.publish();
    }
    return previous;
  }

  /** A takeover moved the session here but its new connection closed before attaching. */
  public void detachedInTransit() {
    disconnectedAt = host.nowMillis();
    if (!persistent) {
      end();
      return;
    }
    save();
    scheduleExpiry(expirySeconds * 1000);
  }

  /** Restores the will and expiry of a session loaded from the store (offline since {@code disconnectedAt}). */
  public void restoreOffline(int level, long expirySeconds, String userId, long disconnectedAt, WillMessage will,
      long willDueAt) {
    this.level = level;
    this.expirySeconds = expirySeconds;
    this.persistent = true;
    this.stored = true;
    this.identity = userId == null ? Identity.ANONYMOUS : new Identity(userId, Identity.Kind.USER);
    this.ownerId = userId;
    this.disconnectedAt = disconnectedAt;
    long now = host.nowMillis();
    if (will != null) {
      this.will = new SessionWill(this, host, will);
      this.will.waitUntil(willDueAt, Duration.ofMillis(Math.max(0, willDueAt - now)), home);
    }
    scheduleExpiry(Math.max(0, disconnectedAt + expirySeconds * 1000 - now));
  }

  private void scheduleExpiry(long millis) {
    if (expirySeconds >= NEVER_EXPIRES) {
      return;
    }
    expiryTimer = host.time().schedule(home, this::expire, Duration.ofMillis(millis));
  }

  /** The delay of the pending will has passed. */
  void willDue() {
    SessionWill w = will;
    will = null;
    if (w != null && !ended) {
      w.publish();
      save();
    }
  }

  private void expire() {
    expiryTimer = Cancellable.NONE;
    if (link == null && !ended) {
      SessionWill w = will;
      will = null;
      if (w != null) {
        w.publish();
      }
      end();
    }
  }

  private void cancelTimers() {
    expiryTimer.cancel();
    expiryTimer = Cancellable.NONE;
    if (will != null) {
      will.cancel();
    }
  }

  /** Ends the session: subscriptions leave the routing, the store forgets it, queued messages are gone. */
  public void end() {
    if (ended) {
      return;
    }
    ended = true;
    connected = false;
    cancelTimers();
    if (subscriptions != null) {
      subscriptions.removeAll();
    }
    outbox = null;
    if (stored) {
      host.store().deleteSession(key);
      stored = false;
    }
    host.sessionEnded(this);
  }

  /** Another node takes it over: it leaves as at {@link #end}; its rows (offline since now) stay for that node. */
  public void handedOver() {
    if (ended) {
      return;
    }
    disconnectedAt = host.nowMillis();
    save();
    handedOver = true;
    stored = false;
    end();
  }

  private void save() {
    if (!persistent) {
      return;
    }
    stored = true;
    host.store().saveSession(new SessionStore.SessionRow(key, clientId, level, expirySeconds,
        link == null ? disconnectedAt : 0, identity.userId(), will == null ? null : will.message(),
        will == null ? 0 : will.dueAt()));
  }

  // --- subscriptions (home loop) ----------------------------------------------------------

  /** Adds or replaces a subscription; returns whether one with this filter existed. */
  public boolean subscribe(SubscriptionEntry e) {
    boolean existed = subscriptionsOrNew().add(e, persistent);
    multiSubscribed = subscriptions.size() > 1;
    return existed;
  }

  /** Restores a subscription loaded from the store. */
  public void restoreSubscription(SubscriptionEntry e) {
    subscriptionsOrNew().restore(e);
    multiSubscribed = subscriptions.size() > 1;
  }

  /** Removes a subscription; returns whether it existed. */
  public boolean unsubscribe(String filter) {
    if (subscriptions == null || !subscriptions.remove(filter, persistent)) {
      return false;
    }
    multiSubscribed = subscriptions.size() > 1;
    return true;
  }

  public Collection<SubscriptionEntry> subscriptions() {
    return subscriptions == null ? List.of() : subscriptions.all();
  }

  private Subscriptions subscriptionsOrNew() {
    if (subscriptions == null) {
      subscriptions = new Subscriptions(host, key);
    }
    return subscriptions;
  }

  // --- outbound messages (home loop) -----------------------------------------------------

  /** A message for this session: sent now, queued behind the window, or dropped by policy. */
  public void deliver(Outgoing o) {
    if (ended) {
      if (!handedOver) {
        o.forget(host.store());
      }
      return;
    }
    outbox().deliver(o);
  }

  /** Restores a stored message after a restart: in flight when it had a packet id, else queued. */
  public void restoreOutgoing(Outgoing o) {
    outbox().restore(o);
  }

  /** Sends queued messages while the window and the connection allow. */
  public void drain() {
    if (outbox != null) {
      outbox.drain();
    }
  }

  /** PUBACK from the client. */
  public void onPubAck(int packetId) {
    outbox().onPubAck(packetId);
  }

  /** PUBREC from the client: answer PUBREL (or 0x92 for an unknown id). */
  public void onPubRec(int packetId, int reasonCode) {
    outbox().onPubRec(packetId, reasonCode);
  }

  /** PUBCOMP from the client. */
  public void onPubComp(int packetId) {
    outbox().onPubComp(packetId);
  }

  private Outbox outbox() {
    if (outbox == null) {
      outbox = new Outbox(this, host);
    }
    return outbox;
  }

  // --- inbound QoS 2 (home loop) ---------------------------------------------------------

  /** A QoS 2 PUBLISH arrived; false when its packet id already awaits PUBREL (a resend). */
  public boolean inboundQos2Start(int packetId) {
    return inbound().start(packetId, persistent);
  }

  /** PUBREL arrived; false when the packet id was unknown. */
  public boolean inboundQos2Release(int packetId) {
    return inbound != null && inbound.release(packetId, persistent);
  }

  public void restoreInbound(int packetId) {
    inbound().restore(packetId);
  }

  /** Inbound QoS 2 packet ids awaiting PUBREL. */
  public int inboundPending() {
    return inbound == null ? 0 : inbound.size();
  }

  private InboundQos2 inbound() {
    if (inbound == null) {
      inbound = new InboundQos2(host, key);
    }
    return inbound;
  }

  // --- introspection for tests and stats (home loop) --------------------------------------

  public int queued() {
    return outbox == null ? 0 : outbox.queued();
  }

  public int inflightCount() {
    return outbox == null ? 0 : outbox.inflightCount();
  }

  /** Ids of the messages queued and in flight, for tests. */
  public List<Long> storeIds() {
    return outbox == null ? List.of() : outbox.storeIds();
  }

  @Override
  public String toString() {
    return "session " + clientId;
  }
}
