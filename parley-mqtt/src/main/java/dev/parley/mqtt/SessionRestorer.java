package dev.parley.mqtt;

import dev.parley.mqtt.broker.Broker;
import dev.parley.mqtt.session.Outgoing;
import dev.parley.mqtt.session.Session;
import dev.parley.mqtt.session.SubscriptionEntry;
import dev.parley.mqtt.store.MqttStore;
import dev.parley.mqtt.store.SessionStore;
import dev.parley.mqtt.store.StoredSession;
import dev.parley.mqtt.store.SubscriptionRow;
import dev.parley.mqtt.topic.Topics;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * At start, brings back what the store kept: retained messages, and every persistent session
 * with its subscriptions, queued and in-flight messages, inbound QoS 2 ids, expiry and pending
 * will. Sessions are spread over the event loops; each is restored on its own loop.
 */
final class SessionRestorer {
  private final Broker broker;
  private final MqttStore store;
  private final EventLoopGroup loops;

  SessionRestorer(Broker broker, MqttStore store, EventLoopGroup loops) {
    this.broker = broker;
    this.store = store;
    this.loops = loops;
  }

  int restore() {
    long now = broker.nowMillis();
    store.loadRetained(m -> {
      if (!m.expired(now)) {
        broker.retained().put(m.topic(), m);
      }
    });
    List<StoredSession> stored = store.loadSessions();
    store.purgeOrphans();
    CountDownLatch done = new CountDownLatch(stored.size());
    Iterator<EventExecutor> it = loops.iterator();
    for (StoredSession s : stored) {
      if (!it.hasNext()) {
        it = loops.iterator();
      }
      EventExecutor home = it.next();
      SessionStore.SessionRow row = s.row();
      Session session = broker.restore(row.clientId(), row.key(), home);
      home.execute(() -> {
        try {
          restoreOne(session, s, now);
        } finally {
          done.countDown();
        }
      });
    }
    try {
      done.await(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return stored.size();
  }

  private void restoreOne(Session session, StoredSession s, long now) {
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
}
