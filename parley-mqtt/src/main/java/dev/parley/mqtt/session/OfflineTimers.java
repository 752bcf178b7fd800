package dev.parley.mqtt.session;

import dev.parley.core.time.Cancellable;
import dev.parley.core.time.TimeSource;
import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;

/**
 * The two timers of a persistent session while it has no connection: its delayed will and its
 * expiry. Created when such a session goes offline and dropped when a connection attaches or the
 * session ends, so a connected session holds no timer. Home loop of the session only.
 */
final class OfflineTimers {
  private final Session session;
  private final TimeSource time;
  private Cancellable willTimer = Cancellable.NONE;
  private Cancellable expiryTimer = Cancellable.NONE;
  private long willDueAt;

  OfflineTimers(Session session, TimeSource time) {
    this.session = session;
    this.time = time;
  }

  /** Publishes the pending will at {@code dueAt} (epoch ms), {@code delay} from now. */
  void will(EventExecutor home, long dueAt, Duration delay) {
    willDueAt = dueAt;
    willTimer = time.schedule(home, this::willDue, delay);
  }

  /** Ends the session {@code delay} from now. */
  void expiry(EventExecutor home, Duration delay) {
    expiryTimer = time.schedule(home, this::expired, delay);
  }

  /** When the pending will goes out (epoch ms), 0 when none was set. */
  long willDueAt() {
    return willDueAt;
  }

  /** Calls both timers off. */
  void cancel() {
    willTimer.cancel();
    willTimer = Cancellable.NONE;
    expiryTimer.cancel();
    expiryTimer = Cancellable.NONE;
  }

  private void willDue() {
    willTimer = Cancellable.NONE;
    session.willDue();
  }

  private void expired() {
    expiryTimer = Cancellable.NONE;
    session.expire();
  }
}
