package dev.parley.core.time;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** {@link TimeSource#system()}: the JVM's clocks and the executors' own schedulers. */
final class SystemTime implements TimeSource {
  static final SystemTime INSTANCE = new SystemTime();

  private final Clock clock = Clock.systemUTC();

  private SystemTime() {
  }

  @Override
  public long nanoTime() {
    return System.nanoTime();
  }

  @Override
  public Clock clock() {
    return clock;
  }

  @Override
  public Cancellable schedule(ScheduledExecutorService executor, Runnable task, Duration delay) {
    ScheduledFuture<?> f = executor.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
    return () -> f.cancel(false);
  }

  @Override
  public Cancellable every(ScheduledExecutorService executor, Runnable task, Duration period) {
    long nanos = period.toNanos();
    ScheduledFuture<?> f = executor.scheduleAtFixedRate(task, nanos, nanos, TimeUnit.NANOSECONDS);
    return () -> f.cancel(false);
  }
}
