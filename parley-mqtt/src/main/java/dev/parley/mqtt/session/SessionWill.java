package dev.parley.mqtt.session;

import dev.parley.core.time.Cancellable;
import dev.parley.mqtt.message.WillMessage;
import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;

/**
 * The will of a session (MQTT 5, 3.1.3.2): held while its connection is open; after the
 * connection closed without a normal DISCONNECT, published at once or, for a persistent session,
 * after its delay, unless a connection comes back first. Exists only for a connection that gave a
 * will. Home loop of the session only.
 */
final class SessionWill {
  private final Session session;
  private final SessionHost host;
  private final WillMessage message;
  private long dueAt;
  private Cancellable timer = Cancellable.NONE;

  SessionWill(Session session, SessionHost host, WillMessage message) {
    this.session = session;
    this.host = host;
    this.message = message;
  }

  WillMessage message() {
    return message;
  }

  /** When the pending will goes out (epoch ms), 0 while it is not waiting for its delay. */
  long dueAt() {
    return dueAt;
  }

  /** Whether it goes out with no delay (at a takeover too). */
  boolean immediate() {
    return message.delaySeconds() == 0;
  }

  /**
   * The connection of a persistent session closed at {@code closedAt}: publishes the will now when
   * its delay (capped by the session expiry) is 0 and returns true; else waits for it.
   */
  boolean publishOrWait(long expirySeconds, long closedAt, EventExecutor home) {
    long delay = Math.min(message.delaySeconds(), expirySeconds);
    if (delay == 0) {
      publish();
      return true;
    }
    waitUntil(closedAt + delay * 1000, Duration.ofSeconds(delay), home);
    return false;
  }

  /** Waits until {@code dueAt}, {@code delay} from now (a will restored from the store). */
  void waitUntil(long dueAt, Duration delay, EventExecutor home) {
    this.dueAt = dueAt;
    timer = host.time().schedule(home, session::willDue, delay);
  }

  /** Publishes it now; a delay still running is called off. */
  void publish() {
    cancel();
    host.publishWill(session, message);
  }

  /** Calls off the delay, if one runs. */
  void cancel() {
    timer.cancel();
    timer = Cancellable.NONE;
  }
}
