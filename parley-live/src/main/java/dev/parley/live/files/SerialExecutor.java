package dev.parley.live.files;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one after another, in order, on a shared pool (file writes of one stream on the
 * blocking pool). Bounded: beyond {@code maxQueued} waiting tasks new ones are refused, so a slow
 * disk costs data, not memory. A task that must not be lost (closing a file) goes through
 * {@link #executeFinally}, which is never refused.
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
      } catch (RejectedExecutionException e) {
        running = false;
        queue.clear();
        return false;
      }
    }
    return true;
  }

  /**
   * Queues a task that must run (closing a file, ending a playlist) after every task queued before
   * it, whatever the bound. If the pool refuses to run the queue, the task runs here and now: the
   * queue is then empty, so order holds, and a short blocking close beats a file left open.
   */
  public void executeFinally(Runnable task) {
    synchronized (this) {
      queue.add(task);
      if (running) {
        return;
      }
      running = true;
      try {
        pool.execute(this::drain);
        return;
      } catch (RejectedExecutionException e) {
        log.warn("the pool refused a final task; running it on {}", Thread.currentThread().getName());
      }
    }
    drain();
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
