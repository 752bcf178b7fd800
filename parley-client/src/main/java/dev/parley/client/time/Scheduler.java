package dev.parley.client.time;

/**
 * The SDK's only source of time: every timeout, heartbeat, backoff and deadline is read from
 * {@link #nowMillis()} and waits through {@link #schedule}. Apps use {@link SystemScheduler};
 * tests use {@link ManualScheduler} and move time by hand, so timing is checked without sleeps.
 *
 * <p>Tasks must be short: the SDK's tasks only hand work to the client's I/O thread.
 */
public interface Scheduler {
  /** Milliseconds on a monotonic clock (not wall time). */
  long nowMillis();

  /** Runs {@code task} once, {@code delayMillis} from now (at once for zero or less). */
  Cancellable schedule(Runnable task, long delayMillis);
}
