package dev.parley.live.stream;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one after another, in order, on a shared pool (file writes of one stream on the
 * blocking pool). Bounded: beyond {@code maxQueued} waiting tasks new ones are refused, so a slow
 * disk costs data, not memory.
 */
public final class SerialExecutor {
  private static final Logger log = LoggerFactory.getLogger(SerialExecutor.class);
  private final Executor pool;
  private final int maxQueued;
  private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
  private boolean running;

  public SerialExecutor(Executor pool, int maxQueued) {
    this.pool = pool;
    this.maxQueued = maxQueued;
  }

  /** Queues a task; false when the queue is full. */
  public synchronized boolean execute(Runnable task) {
    if (queue.size() >= maxQueued) {
      return false;
    }
    queue.add(task);
    if (!running) {
      running = true;
      try {
        pool.execute(this::drain);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        running = false;
        queue.clear();
        return false;
      }
    }
    return true;
  }

  private void drain() {
    while (true) {
      Runnable r;
      synchronized (this) {
        r = queue.poll();
        if (r == null) {
          running = false;
          return;
        }
      }
      try {
        r.run();
      } catch (RuntimeException e) {
        log.error("background task failed", e);
      }
    }
  }
}
