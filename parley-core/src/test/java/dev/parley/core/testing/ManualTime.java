package dev.parley.core.testing;

import dev.parley.core.time.Cancellable;
import dev.parley.core.time.TimeSource;
import io.netty.util.concurrent.EventExecutor;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A {@link TimeSource} that moves only when the test says: {@link #advance(Duration)} moves both
 * clocks and runs every timer that falls due on the way, in due order, each on its own executor,
 * waiting for each to finish before the next. Timers with no delay run at once (on their executor).
 *
 * <p>A task that throws is remembered and rethrown by the {@code advance} that ran it, so a broken
 * timer fails the test instead of vanishing. Tasks on an executor that was shut down are dropped,
 * as a real scheduler drops them.
 */
public final class ManualTime implements TimeSource {
  /** The start of every test's time unless it picks another: a fixed, ordinary instant. */
  public static final Instant DEFAULT_START = Instant.parse("2026-06-01T12:00:00Z");
  // Far from zero so code that treats 0 as "unset" behaves as on a real machine.
  private static final long NANO_BASE = 1_000_000_000_000L;

  private final Instant start;
  private final Object lock = new Object();
  private final Object advancing = new Object();
  private final PriorityQueue<Task> tasks = new PriorityQueue<>();
  private volatile long elapsed;
  private long seq;
  private final Clock clock = new Clock() {
    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return start.plusNanos(elapsed);
    }
  };

  public ManualTime() {
    this(DEFAULT_START);
  }

  public ManualTime(Instant start) {
    this.start = start;
  }

  @Override
  public long nanoTime() {
    return NANO_BASE + elapsed;
  }

  @Override
  public Clock clock() {
    return clock;
  }

  @Override
  public Cancellable schedule(ScheduledExecutorService executor, Runnable task, Duration delay) {
    if (delay.isNegative() || delay.isZero()) {
      Task t = new Task(executor, task, elapsed, 0, -1);
      executor.execute(t::runUnlessCancelled);
      return t;
    }
    return add(executor, task, delay.toNanos(), 0);
  }

  @Override
  public Cancellable every(ScheduledExecutorService executor, Runnable task, Duration period) {
    if (period.isNegative() || period.isZero()) {
      throw new IllegalArgumentException("period must be positive: " + period);
    }
    return add(executor, task, period.toNanos(), period.toNanos());
  }

  private Task add(ScheduledExecutorService executor, Runnable task, long delayNanos, long periodNanos) {
    synchronized (lock) {
      Task t = new Task(executor, task, elapsed + delayNanos, periodNanos, seq++);
      tasks.add(t);
      return t;
    }
  }

  /**
   * Moves time forward by {@code d}, running every timer due by then (timers those timers set
   * included) at its own due time.
   */
  public void advance(Duration d) {
    if (d.isNegative()) {
      throw new IllegalArgumentException("time only moves forward: " + d);
    }
    synchronized (advancing) {
      long target = elapsed + d.toNanos();
      List<Throwable> failures = new ArrayList<>();
      while (true) {
        Task next;
        synchronized (lock) {
          next = tasks.peek();
          if (next == null || next.due > target) {
            break;
          }
          tasks.poll();
          elapsed = Math.max(elapsed, next.due);
          if (next.period > 0 && !next.cancelled) {
            tasks.add(next.again(seq++));
          }
        }
        Throwable t = next.runAndWait();
        if (t != null) {
          failures.add(t);
        }
      }
      elapsed = target;
      if (!failures.isEmpty()) {
        AssertionError e = new AssertionError("a timer failed while time advanced", failures.get(0));
        failures.stream().skip(1).forEach(e::addSuppressed);
        throw e;
      }
    }
  }

  /** Moves time forward to just past the next pending timer, running it; false when none is pending. */
  public boolean advanceToNext() {
    long due;
    synchronized (lock) {
      Task next = tasks.peek();
      if (next == null) {
        return false;
      }
      due = next.due;
    }
    advance(Duration.ofNanos(Math.max(0, due - elapsed)));
    return true;
  }

  /** Timers set and not yet run or cancelled (a periodic one counts once). */
  public int pending() {
    synchronized (lock) {
      return (int) tasks.stream().filter(t -> !t.isCancelled()).count();
    }
  }

  /** How far time has moved since the start. */
  public Duration elapsed() {
    return Duration.ofNanos(elapsed);
  }

  private final class Task implements Comparable<Task>, Cancellable {
    final ScheduledExecutorService executor;
    final Runnable task;
    final long due;
    final long period;
    final long order;
    volatile boolean cancelled;
    volatile boolean ran;
    // The first instance of a periodic task: cancelling any copy cancels them all.
    final Task origin;

    Task(ScheduledExecutorService executor, Runnable task, long due, long period, long order) {
      this(executor, task, due, period, order, null);
    }

    private Task(ScheduledExecutorService executor, Runnable task, long due, long period, long order, Task origin) {
      this.executor = executor;
      this.task = task;
      this.due = due;
      this.period = period;
      this.order = order;
      this.origin = origin == null ? this : origin;
    }

    Task again(long order) {
      return new Task(executor, task, due + period, period, order, origin);
    }

    boolean isCancelled() {
      return cancelled || origin.cancelled;
    }

    void runUnlessCancelled() {
      if (!isCancelled()) {
        ran = period == 0;
        task.run();
      }
    }

    Throwable runAndWait() {
      if (isCancelled() || executor.isShutdown()) {
        return null;
      }
      if (executor instanceof EventExecutor loop && loop.inEventLoop()) {
        try {
          runUnlessCancelled();
          return null;
        } catch (RuntimeException | Error e) {
          return e;
        }
      }
      Future<?> f;
      try {
        f = executor.submit(this::runUnlessCancelled);
      } catch (RejectedExecutionException e) {
        return null;
      }
      try {
        f.get(30, TimeUnit.SECONDS);
        return null;
      } catch (ExecutionException e) {
        return e.getCause();
      } catch (TimeoutException e) {
        return new AssertionError("a timer did not finish within 30 s on " + executor, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return e;
      }
    }

    @Override
    public boolean cancel() {
      boolean was = isCancelled() || ran;
      origin.cancelled = true;
      cancelled = true;
      synchronized (lock) {
        tasks.remove(this);
      }
      return !was;
    }

    @Override
    public int compareTo(Task o) {
      int c = Long.compare(due, o.due);
      return c != 0 ? c : Long.compare(order, o.order);
    }
  }
}
