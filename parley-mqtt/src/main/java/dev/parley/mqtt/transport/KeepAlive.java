package dev.parley.mqtt.transport;

import dev.parley.core.time.Cancellable;
import dev.parley.core.time.TimeSource;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The keepalive of one connection: when no packet arrives for {@code limit} (1.5 times the
 * keepalive, MQTT 3.1.2.10), {@code onTimeout} runs. One timer on the {@link TimeSource} at a
 * time: a packet only notes when it came, and the timer, when it fires early, sets itself again
 * for the rest. Used on the connection's event loop only.
 */
final class KeepAlive {
  private final TimeSource time;
  private final ScheduledExecutorService loop;
  private final long limitNanos;
  private final Runnable onTimeout;
  private long lastPacket;
  private Cancellable timer = Cancellable.NONE;
  private boolean stopped;

  KeepAlive(TimeSource time, ScheduledExecutorService loop, Duration limit, Runnable onTimeout) {
    this.time = time;
    this.loop = loop;
    this.limitNanos = limit.toNanos();
    this.onTimeout = onTimeout;
  }

  /** Starts counting from now. */
  void start() {
    lastPacket = time.nanoTime();
    arm(limitNanos);
  }

  /** A packet arrived. */
  void packet() {
    lastPacket = time.nanoTime();
  }

  /** The connection is closing: the timer is called off. */
  void stop() {
    stopped = true;
    timer.cancel();
  }

  private void arm(long nanos) {
    timer = time.schedule(loop, this::check, Duration.ofNanos(nanos));
  }

  private void check() {
    if (stopped) {
      return;
    }
    long silent = time.nanoTime() - lastPacket;
    if (silent >= limitNanos) {
      stopped = true;
      onTimeout.run();
    } else {
      arm(limitNanos - silent);
    }
  }
}
