package dev.parley.client.time;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Time that moves only when told: {@link #advance} runs every task that falls due, in order, on
 * the calling thread. For tests of timeouts, heartbeats and backoff without sleeping.
 */
public final class ManualScheduler implements Scheduler {
  private final PriorityQueue<Task> queue = new PriorityQueue<>();
  private long now;
  private long order;

  /** Starts at an arbitrary non-zero time. */
  public ManualScheduler() {
    this(1_000_000L);
  }

  public ManualScheduler(long startMillis) {
    this.now = startMillis;
  }

  @Override
  public synchronized long nowMillis() {
    return now;
  }

  @Override
  public synchronized Cancellable schedule(Runnable task, long delayMillis) {
    Task t = new Task(now + Math.max(0, delayMillis), order++, task);
    queue.add(t);
    return () -> {
      synchronized (ManualScheduler.this) {
        queue.remove(t);
      }
    };
  }

  /** Moves time forward by {@code d}, running what falls due; returns how many tasks ran. */
  public int advance(Duration d) {
    return advanceMillis(d.toMillis());
  }

  /** Moves time forward by {@code millis}, running what falls due; returns how many tasks ran. */
  public int advanceMillis(long millis) {
    long target;
    synchronized (this) {
      target = now + millis;
    }
    int ran = 0;
    while (true) {
      Task t;
      synchronized (this) {
        t = queue.peek();
        if (t == null || t.at > target) {
          now = target;
          return ran;
        }
        queue.poll();
        now = Math.max(now, t.at);
      }
      t.task.run();
      ran++;
    }
  }

  /** Runs the tasks due now (delay zero) without moving time. */
  public int runDue() {
    return advanceMillis(0);
  }

  /** Delays from now of the tasks waiting, soonest first. */
  public synchronized List<Long> pendingDelays() {
    List<Task> sorted = new ArrayList<>(queue);
    sorted.sort(null);
    List<Long> out = new ArrayList<>();
    for (Task t : sorted) {
      out.add(t.at - now);
    }
    return out;
  }

  /** The delay from now of the next task, or -1 when none waits. */
  public synchronized long nextDelay() {
    Task t = queue.peek();
    return t == null ? -1 : t.at - now;
  }

  private static final class Task implements Comparable<Task> {
    final long at;
    final long seq;
    final Runnable task;

    Task(long at, long seq, Runnable task) {
      this.at = at;
      this.seq = seq;
      this.task = task;
    }

    @Override
    public int compareTo(Task o) {
      int c = Long.compare(at, o.at);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }
}
