package dev.parley.mqtt.session;

import dev.parley.core.time.TimeSource;
import dev.parley.mqtt.config.MqttSettings;
import dev.parley.mqtt.message.WillMessage;
import dev.parley.mqtt.store.SessionStore;

/** What the broker gives its sessions. Called on the session's event loop. */
public interface SessionHost {
  MqttSettings settings();

  SessionStore store();

  /** A subscription was added or replaced: publishes matching its filter go to its session from now on. */
  void subscribed(SubscriptionEntry entry);

  /** A subscription was removed (unsubscribed, or its session ended). */
  void unsubscribed(SubscriptionEntry entry);

  /** The session ended (expired, clean start, or its connection closed with expiry 0): forget it. */
  void sessionEnded(Session session);

  /** Publishes a will message (or a delayed one whose time came). */
  void publishWill(Session session, WillMessage will);

  /** Counts a message not delivered, by reason (queue_full, expired, slow_consumer, too_large). */
  void dropped(String reason);

  /** Counts a PUBLISH sent to a client. */
  void sent();

  /** Where the session reads the time and sets its will and expiry timers. */
  TimeSource time();

  /** Wall-clock now in epoch milliseconds (stored timestamps, message expiry). */
  long nowMillis();
}
