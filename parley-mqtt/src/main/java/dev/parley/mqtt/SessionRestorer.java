package dev.parley.mqtt;

import dev.parley.mqtt.broker.Broker;
import dev.parley.mqtt.session.Session;
import dev.parley.mqtt.store.MqttStore;
import dev.parley.mqtt.store.SessionStore;
import dev.parley.mqtt.store.StoredSession;
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

  /**
   * Loads the retained messages and, with {@code sessions}, every stored session (a node of a
   * cluster leaves them: they load on the node their client connects to). Returns the sessions
   * restored.
   */
  int restore(boolean sessions) {
    long now = broker.nowMillis();
    store.loadRetained(m -> {
      if (!m.expired(now)) {
        broker.retained().put(m.topic(), m);
      }
    });
    if (!sessions) {
      return 0;
    }
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
          broker.fill(session, s, now);
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
}
