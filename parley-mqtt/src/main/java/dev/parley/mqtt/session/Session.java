package dev.parley.mqtt.session;

import dev.parley.mqtt.auth.Identity;
import dev.parley.mqtt.codec.MessageProps;
import dev.parley.mqtt.codec.MqttPacket;
import dev.parley.mqtt.codec.MqttVersion;
import dev.parley.mqtt.codec.PacketType;
import dev.parley.mqtt.codec.ReasonCode;
import dev.parley.mqtt.codec.Properties;
import dev.parley.mqtt.config.QueueFullPolicy;
import dev.parley.core.time.Cancellable;
import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The state of one client id: subscriptions, QoS 1/2 messages in flight (by packet id) and
 * queued behind the window, inbound QoS 2 packet ids awaiting PUBREL, the will and the expiry
 * timer. Everything but the volatile fields is touched only on {@link #home()}, the event loop of
 * the connection it is attached to (or was last attached to); other threads hand work to it with
 * {@link #execute}.
 */
public final class Session {
  private final SessionHost host;
  private final String clientId;
  private final long key;
  private volatile EventExecutor home;
  private volatile boolean connected;
  private volatile boolean persistent;
  private volatile boolean multiSubscribed;
  private volatile boolean ended;
  /** The user id the session belongs to (null: anonymous); readable from any thread. */
  private volatile String ownerId;

  private Link link;
  private int level = MqttVersion.V5;
  private long expirySeconds;
  private Identity identity = Identity.ANONYMOUS;
  private boolean stored;
  private final Map<String, SubscriptionEntry> subscriptions = new HashMap<>();
  private final LinkedHashMap<Integer, Outgoing> inflight = new LinkedHashMap<>();
  private final ArrayDeque<Outgoing> queue = new ArrayDeque<>();
  private final Set<Integer> inboundQos2 = new HashSet<>();
  private int nextPacketId = 1;
  private WillMessage will;
  private long willDueAt;
  private Cancellable willTimer = Cancellable.NONE;
  private Cancellable expiryTimer = Cancellable.NONE;
  private long disconnectedAt;

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
    this.will = will;
    this.willDueAt = 0;
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
    } else if (persistent && !wasPersistent) {
      // Everything held so far becomes durable from here on.
      for (SubscriptionEntry e : subscriptions.values()) {
        host.store().saveSubscription(key, e);
      }
    }
  }

  /** Changes the expiry at DISCONNECT (MQTT 5). */
  public void expiryOnDisconnect(long seconds) {
    setExpiry(seconds);
    save();
  }

  /** After CONNACK: resend what was in flight (DUP set), then what is queued. */
  public void resume() {
    for (Outgoing o : inflight.values()) {
      if (o.released) {
        link.send(new MqttPacket.PubReply(PacketType.PUBREL, o.packetId));
      } else {
        sendPublish(o, true);
      }
    }
    drain();
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
    WillMessage w = sendWill ? will : null;
    will = null;
    if (!persistent) {
      if (w != null) {
        host.publishWill(this, w);
      }
      end();
      return;
    }
    if (w != null) {
      long delay = Math.min(w.delaySeconds(), expirySeconds);
      if (delay == 0) {
        host.publishWill(this, w);
      } else {
        will = w;
        willDueAt = disconnectedAt + delay * 1000;
        willTimer = host.time().schedule(home, this::willDue, Duration.ofSeconds(delay));
      }
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
    WillMessage w = will;
    will = null;
    link = null;
    connected = false;
    if (w != null && (sessionEnds || (previous != null && w.delaySeconds() == 0))) {
      host.publishWill(this, w);
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

  /** Restores the timers of a session loaded from the store (offline since {@code disconnectedAt}). */
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
      this.will = will;
      this.willDueAt = willDueAt;
      willTimer = host.time().schedule(home, this::willDue, Duration.ofMillis(Math.max(0, willDueAt - now)));
    }
    scheduleExpiry(Math.max(0, disconnectedAt + expirySeconds * 1000 - now));
  }

  private void scheduleExpiry(long millis) {
    if (expirySeconds >= 0xFFFFFFFFL) {
      return;
    }
    expiryTimer = host.time().schedule(home, this::expire, Duration.ofMillis(millis));
  }

  private void willDue() {
    willTimer = Cancellable.NONE;
    WillMessage w = will;
    will = null;
    if (w != null && !ended) {
      host.publishWill(this, w);
      save();
    }
  }

  private void expire() {
    expiryTimer = Cancellable.NONE;
    if (link == null && !ended) {
      if (will != null) {
        WillMessage w = will;
        will = null;
        host.publishWill(this, w);
      }
      end();
    }
  }

  private void cancelTimers() {
    willTimer.cancel();
    willTimer = Cancellable.NONE;
    expiryTimer.cancel();
    expiryTimer = Cancellable.NONE;
  }

  /** Ends the session: subscriptions leave the trie, the store forgets it, queued messages are gone. */
  public void end() {
    if (ended) {
      return;
    }
    ended = true;
    connected = false;
    cancelTimers();
    for (SubscriptionEntry e : subscriptions.values()) {
      host.trie().remove(e.topicFilter(), e.shareGroup(), this);
    }
    subscriptions.clear();
    queue.clear();
    inflight.clear();
    if (stored) {
      host.store().deleteSession(key);
      stored = false;
    }
    host.sessionEnded(this);
  }

  private void save() {
    if (!persistent) {
      return;
    }
    stored = true;
    byte[] willBytes = will == null ? null : WillCodec.encode(will);
    host.store().saveSession(new SessionStore.SessionRow(key, clientId, level, expirySeconds,
        link == null ? disconnectedAt : 0, identity.userId(), willBytes, will == null ? 0 : willDueAt));
  }

  // --- subscriptions (home loop) ----------------------------------------------------------

  /** Adds or replaces a subscription; returns whether one with this filter existed. */
  public boolean subscribe(SubscriptionEntry e) {
    SubscriptionEntry previous = subscriptions.put(e.filter(), e);
    host.trie().add(e.topicFilter(), e.shareGroup(), this, e);
    multiSubscribed = subscriptions.size() > 1;
    if (persistent) {
      host.store().saveSubscription(key, e);
    }
    return previous != null;
  }

  /** Restores a subscription loaded from the store. */
  public void restoreSubscription(SubscriptionEntry e) {
    subscriptions.put(e.filter(), e);
    host.trie().add(e.topicFilter(), e.shareGroup(), this, e);
    multiSubscribed = subscriptions.size() > 1;
  }

  /** Removes a subscription; returns whether it existed. */
  public boolean unsubscribe(String filter) {
    SubscriptionEntry e = subscriptions.remove(filter);
    if (e == null) {
      return false;
    }
    host.trie().remove(e.topicFilter(), e.shareGroup(), this);
    multiSubscribed = subscriptions.size() > 1;
    if (persistent) {
      host.store().deleteSubscription(key, filter);
    }
    return true;
  }

  public Collection<SubscriptionEntry> subscriptions() {
    return subscriptions.values();
  }

  // --- outbound messages (home loop) -----------------------------------------------------

  /** A message for this session: sent now, queued behind the window, or dropped by policy. */
  public void deliver(Outgoing o) {
    if (ended) {
      forget(o);
      return;
    }
    if (o.message.expired(host.nowMillis())) {
      drop(o, "expired");
      return;
    }
    if (o.qos == 0) {
      if (link != null && link.writable()) {
        sendPublish(o, false);
      } else {
        // QoS 0 is not queued: offline or slow clients miss it (the slow-consumer policy).
        host.dropped(link == null ? "offline" : "slow_consumer");
      }
      return;
    }
    if (link != null && queue.isEmpty() && inflight.size() < link.receiveMaximum() && link.writable()) {
      startInflight(o);
      return;
    }
    enqueue(o);
  }

  /** Restores a stored message after a restart: in flight when it had a packet id, else queued. */
  public void restoreOutgoing(Outgoing o) {
    if (o.packetId != 0) {
      inflight.put(o.packetId, o);
      nextPacketId = Math.max(nextPacketId, o.packetId + 1) > 65_535 ? 1 : Math.max(nextPacketId, o.packetId + 1);
    } else {
      queue.add(o);
    }
  }

  private void enqueue(Outgoing o) {
    if (queue.size() >= host.settings().maxQueued()) {
      if (host.settings().queueFullPolicy() == QueueFullPolicy.DROP_NEW) {
        drop(o, "queue_full");
        return;
      }
      drop(queue.poll(), "queue_full");
    }
    queue.add(o);
  }

  /** Sends queued messages while the window and the connection allow. */
  public void drain() {
    while (link != null && !queue.isEmpty() && inflight.size() < link.receiveMaximum() && link.writable()) {
      Outgoing o = queue.poll();
      if (o.message.expired(host.nowMillis())) {
        drop(o, "expired");
        continue;
      }
      startInflight(o);
    }
  }

  private void startInflight(Outgoing o) {
    o.packetId = nextPacketId();
    inflight.put(o.packetId, o);
    if (o.storeId != 0 && o.qos == 2) {
      host.store().setPacketId(o.storeId, o.packetId);
    }
    sendPublish(o, false);
  }

  private int nextPacketId() {
    for (int i = 0; i < 65_535; i++) {
      int id = nextPacketId;
      nextPacketId = id == 65_535 ? 1 : id + 1;
      if (!inflight.containsKey(id)) {
        return id;
      }
    }
    throw new IllegalStateException("no free packet id");
  }

  private void sendPublish(Outgoing o, boolean dup) {
    long now = host.nowMillis();
    MessageProps props = o.message.propsAt(now);
    String topic = o.message.topic();
    int alias = 0;
    if (level == MqttVersion.V5 && !dup) {
      int a = link.topicAlias(topic);
      if (a < 0) {
        alias = -a;
        topic = "";
      } else {
        alias = a;
      }
    }
    MqttPacket.Publish p = new MqttPacket.Publish(topic, o.qos, o.retain, dup && o.qos > 0, o.packetId, props,
        o.message.payload(), alias, level == MqttVersion.V5 ? o.subscriptionIds : MqttPacket.Publish.NO_IDS);
    if (level == MqttVersion.V5 && link.maximumPacketSize() < Long.MAX_VALUE
        && dev.parley.mqtt.codec.MqttEncoder.size(p, level) > link.maximumPacketSize()) {
      // MQTT 5, 3.1.2.11.4: a message too large for the client is discarded as if sent.
      if (o.qos > 0) {
        inflight.remove(o.packetId);
        forget(o);
      }
      host.dropped("too_large");
      return;
    }
    link.send(p);
    host.sent();
  }

  /** PUBACK from the client. */
  public void onPubAck(int packetId) {
    Outgoing o = inflight.get(packetId);
    if (o == null || o.qos != 1) {
      return;
    }
    inflight.remove(packetId);
    forget(o);
    drain();
  }

  /** PUBREC from the client: answer PUBREL (or 0x92 for an unknown id). */
  public void onPubRec(int packetId, int reasonCode) {
    Outgoing o = inflight.get(packetId);
    if (o == null || o.qos != 2) {
      link.send(new MqttPacket.PubReply(PacketType.PUBREL, packetId,
          level == MqttVersion.V5 ? ReasonCode.PACKET_IDENTIFIER_NOT_FOUND : ReasonCode.SUCCESS, Properties.NONE));
      return;
    }
    if (ReasonCode.isError(reasonCode)) {
      inflight.remove(packetId);
      forget(o);
      drain();
      return;
    }
    if (!o.released) {
      o.released = true;
      if (o.storeId != 0) {
        host.store().markReleased(o.storeId);
      }
    }
    link.send(new MqttPacket.PubReply(PacketType.PUBREL, packetId));
  }

  /** PUBCOMP from the client. */
  public void onPubComp(int packetId) {
    Outgoing o = inflight.get(packetId);
    if (o == null || !o.released) {
      return;
    }
    inflight.remove(packetId);
    forget(o);
    drain();
  }

  private void drop(Outgoing o, String reason) {
    host.dropped(reason);
    forget(o);
  }

  private void forget(Outgoing o) {
    if (o.storeId != 0) {
      host.store().deleteQueued(o.storeId);
      o.storeId = 0;
    }
  }

  // --- inbound QoS 2 (home loop) ---------------------------------------------------------

  /** A QoS 2 PUBLISH arrived; false when its packet id already awaits PUBREL (a resend). */
  public boolean inboundQos2Start(int packetId) {
    if (!inboundQos2.add(packetId)) {
      return false;
    }
    if (persistent) {
      host.store().addInbound(key, packetId);
    }
    return true;
  }

  /** PUBREL arrived; false when the packet id was unknown. */
  public boolean inboundQos2Release(int packetId) {
    if (!inboundQos2.remove(packetId)) {
      return false;
    }
    if (persistent) {
      host.store().removeInbound(key, packetId);
    }
    return true;
  }

  public void restoreInbound(int packetId) {
    inboundQos2.add(packetId);
  }

  /** Inbound QoS 2 packet ids awaiting PUBREL. */
  public int inboundPending() {
    return inboundQos2.size();
  }

  // --- introspection for tests and stats (home loop) --------------------------------------

  public int queued() {
    return queue.size();
  }

  public int inflightCount() {
    return inflight.size();
  }

  /** Ids of the messages queued and in flight, for tests. */
  public List<Long> storeIds() {
    List<Long> out = new ArrayList<>();
    for (Iterator<Outgoing> it = inflight.values().iterator(); it.hasNext();) {
      out.add(it.next().storeId);
    }
    for (Outgoing o : queue) {
      out.add(o.storeId);
    }
    return out;
  }

  @Override
  public String toString() {
    return "session " + clientId;
  }
}
