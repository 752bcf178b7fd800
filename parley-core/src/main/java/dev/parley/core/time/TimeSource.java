package dev.parley.core.time;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Where every part of the server reads the time and sets its timers. The server runs on
 * {@link #system()}; tests give the kernel a hand-moved source (parley-core's test-jar has
 * {@code ManualTime}) so timeouts, expiries and retries happen when the test says, never by sleeping.
 *
 * <p>Timers run their task on the executor they are given (usually a channel's event loop), so a
 * connection's state stays on its loop whichever source is in use.
 */
public interface TimeSource {
  /** Monotonic nanoseconds, for deadlines and durations (like {@link System#nanoTime()}). */
  long nanoTime();

  /** Wall-clock time, for what is stored or shown (timestamps, token expiry). */
  Clock clock();

  /** Wall-clock now. */
  default Instant now() {
    return clock().instant();
  }

  /** Wall-clock milliseconds since the epoch. */
  default long millis() {
    return clock().millis();
  }

  /** Runs {@code task} once on {@code executor} after {@code delay}. */
  Cancellable schedule(ScheduledExecutorService executor, Runnable task, Duration delay);

  /**
   * Runs {@code task} on {@code executor} every {@code period}, the first time after {@code period},
   * until cancelled.
   */
  Cancellable every(ScheduledExecutorService executor, Runnable task, Duration period);

  /** The real clock and the executors' own timers. */
  static TimeSource system() {
    return SystemTime.INSTANCE;
  }
}
