package dev.parley.core.store.jdbc;

import dev.parley.core.time.TimeSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single writer of a JDBC database (SQLite's file, or a PostgreSQL server). Callers queue
 * {@link WriteOp}s from any thread; the writer thread takes everything queued (up to the batch
 * limit), applies it in one transaction and commits once, so one fsync covers the whole batch.
 * Under light load a batch is one op and nothing waits; under heavy load batches grow and
 * durability costs little per op.
 *
 * <p>On a database server the writer survives the server going away: a batch that loses the
 * connection fails every op in it with {@link StoreUnavailableException}, and later batches fail
 * the same way at once until a new connection is opened (see {@link WriterConnection}).
 */
public final class GroupCommitWriter implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(GroupCommitWriter.class);
  private static final WriteOp POISON = marker();
  // Wakes the writer to retry connecting when nothing else is queued.
  private static final WriteOp WAKE = marker();

  private final WriterConnection link;
  private final ScheduledExecutorService wakeups;
  private final int maxBatch;
  private final BlockingQueue<WriteOp> queue;
  private final Thread thread;
  private final Timer commitTimer;
  private final DistributionSummary batchSize;
  private final Counter rerunCounter;
  private final List<BatchListener> listeners = new CopyOnWriteArrayList<>();
  private volatile boolean closed;

  /**
   * Sees every batch: {@link #beforeOps} inside its transaction before its ops, {@link
   * #beforeCommit} after all of them (to write state the ops accumulated, once per batch), {@link #afterCommit} after every op's
   * {@code committed()} (to hand the batch's results on in one go). Both run on the writer thread.
   */
  public interface BatchListener {
    /**
     * The batch's transaction has begun and none of {@code batch} has run yet: a listener may take
     * what the ops will need in one go (for instance lock, in a fixed order, every row they write).
     * It sees the batch again, op by op, if the batch is retried.
     */
    default void beforeOps(Connection connection, List<WriteOp> batch) throws SQLException {}

    default void beforeCommit(Connection connection) throws SQLException {}

    default void afterCommit() {}

    /** The batch failed and was rolled back; drop what was accumulated for it. */
    default void afterRollback() {}
  }

  /** Opens a new connection to the database server for the writer, after the last was lost. */
  @FunctionalInterface
  public interface Connector {
    Connection open() throws SQLException;
  }

  /**
   * A writer that uses {@code connection} (auto-commit off) from now on, and only it, and applies
   * at most {@code maxBatch} ops per transaction; {@code capacity} ops may wait, more are refused.
   * The caller closes the connection after {@link #close()}.
   */
  public GroupCommitWriter(Connection connection, int maxBatch, int capacity, MeterRegistry metrics) {
    this(connection, null, null, maxBatch, capacity, metrics);
  }

  /**
   * A writer that owns {@code first} (auto-commit off) and every connection {@code reconnect}
   * opens after one is lost, retrying on {@code time}'s clock and timers; it closes the one it
   * holds on {@link #close()}. Limits as for the other constructor.
   */
  public GroupCommitWriter(Connection first, Connector reconnect, TimeSource time, int maxBatch, int capacity,
      MeterRegistry metrics) {
    if (reconnect == null) {
      this.wakeups = null;
      this.link = new WriterConnection(first, null, null, delay -> {});
    } else {
      ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "parley-store-reconnect");
        t.setDaemon(true);
        return t;
      });
      timer.setRemoveOnCancelPolicy(true);
      this.wakeups = timer;
      this.link = new WriterConnection(first, reconnect, time, delay -> wakeAfter(time, delay));
    }
    this.maxBatch = maxBatch;
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.commitTimer = Timer.builder("parley.store.commit")
        .description("Time to apply and commit one group-commit batch")
        .publishPercentiles(0.5, 0.99)
        .register(metrics);
    this.batchSize = DistributionSummary.builder("parley.store.batch.size")
        .description("Write operations per committed batch")
        .register(metrics);
    this.rerunCounter = Counter.builder("parley.store.batch.reruns")
        .description("Batches rolled back and run again as a whole (see RerunBatchException)")
        .register(metrics);
    Gauge.builder("parley.store.queue.depth", queue, BlockingQueue::size)
        .description("Write operations waiting for the writer").register(metrics);
    Gauge.builder("parley.store.available", link, l -> l.available() ? 1 : 0)
        .description("1 while the writer holds a working connection to the database, 0 while it is unreachable")
        .register(metrics);
    this.thread = new Thread(this::run, "parley-store-writer");
    this.thread.setDaemon(true);
    this.thread.start();
  }

  /**
   * Queues {@code op}. Throws {@link StoreOverloadedException} when the queue is full and
     * {@link IllegalStateException} after {@link #close()}.
   */
  public void submit(WriteOp op) {
    if (closed) {
      throw new IllegalStateException("store is closed");
    }
    if (!queue.offer(op)) {
      throw new StoreOverloadedException("store write queue is full");
    }
  }

  /** Runs {@code work} in the next batch; the future completes after the batch commits. */
  public <T> CompletableFuture<T> write(SqlFunction<T> work) {
    CompletableFuture<T> future = new CompletableFuture<>();
    submit(new WriteOp() {
      private T result;

      @Override
      public void apply(Connection c) throws SQLException {
        result = work.apply(c);
      }

      @Override
      public void committed() {
        future.complete(result);
      }

      @Override
      public void failed(Throwable cause) {
        future.completeExceptionally(cause);
      }
    });
    return future;
  }

  public void addBatchListener(BatchListener listener) {
    listeners.add(listener);
  }

  /** Whether the calling thread is the writer thread. */
  public boolean inWriterThread() {
    return Thread.currentThread() == thread;
  }

  /** Operations waiting to be written. */
  public int queued() {
    return queue.size();
  }

  /**
   * Whether the database is reachable as far as the last batch showed: false from a batch that
   * lost the connection until a new one is open (always true for a writer that never reconnects).
   */
  public boolean available() {
    return link.available();
  }

  private void wakeAfter(TimeSource time, Duration delay) {
    Runnable wake = () -> queue.offer(WAKE);
    if (delay.isZero()) {
      wake.run();
    } else if (!closed) {
      time.schedule(wakeups, wake, delay);
    }
  }

  private static WriteOp marker() {
    return new WriteOp() {
      @Override
      public void apply(Connection connection) {}

      @Override
      public void committed() {}

      @Override
      public void failed(Throwable cause) {}
    };
  }

  private void run() {
    List<WriteOp> batch = new ArrayList<>(maxBatch);
    while (true) {
      try {
        WriteOp first = queue.take();
        if (first == POISON) {
          drainAndStop(batch);
          return;
        }
        batch.add(first);
        queue.drainTo(batch, maxBatch - 1);
        boolean stop = batch.remove(POISON);
        if (batch.removeIf(op -> op == WAKE) && batch.isEmpty()) {
          link.retryIfDue();
        } else if (!batch.isEmpty()) {
          commit(batch);
        }
        batch.clear();
        if (stop) {
          drainAndStop(batch);
          return;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException | Error e) {
        log.error("store writer failed a batch", e);
        batch.clear();
      }
    }
  }

  private void drainAndStop(List<WriteOp> batch) {
    while (true) {
      batch.clear();
      queue.drainTo(batch, maxBatch);
      batch.removeIf(op -> op == POISON || op == WAKE);
      if (batch.isEmpty()) {
        return;
      }
      commit(batch);
    }
  }

  private void commit(List<WriteOp> batch) {
    commit(batch, false);
  }

  private void commit(List<WriteOp> batch, boolean rerun) {
    Connection connection;
    try {
      connection = link.current();
    } catch (StoreUnavailableException e) {
      failAll(batch, e);
      return;
    }
    long start = System.nanoTime();
    try {
      for (BatchListener l : listeners) {
        l.beforeOps(connection, batch);
      }
      for (WriteOp op : batch) {
        op.apply(connection);
      }
      for (BatchListener l : listeners) {
        l.beforeCommit(connection);
      }
      connection.commit();
    } catch (SQLException | RuntimeException e) {
      SQLException rollbackFailure = rollback(connection);
      for (BatchListener l : listeners) {
        l.afterRollback();
      }
      if (e instanceof RerunBatchException && !rerun && rollbackFailure == null) {
        rerunCounter.increment();
        commit(batch, true);
        return;
      }
      if (link.lost(e)) {
        // Retrying op by op could not help: the connection is gone, and with it the whole batch.
        failAll(batch, link.unavailable(e));
        return;
      }
      if (rollbackFailure != null) {
        log.error("rollback failed", rollbackFailure);
      }
      if (batch.size() == 1) {
        fail(batch.get(0), e);
        return;
      }
      // One bad op must not sink the others: retry them one per transaction.
      log.warn("batch of {} failed ({}); retrying its operations one by one", batch.size(), e.toString());
      for (WriteOp op : batch) {
        commit(List.of(op));
      }
      return;
    }
    commitTimer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    batchSize.record(batch.size());
    for (WriteOp op : batch) {
      try {
        op.committed();
      } catch (RuntimeException e) {
        log.error("commit callback failed", e);
      }
    }
    for (BatchListener l : listeners) {
      try {
        l.afterCommit();
      } catch (RuntimeException e) {
        log.error("batch listener failed", e);
      }
    }
  }

  private void fail(WriteOp op, Throwable e) {
    try {
      op.failed(e);
    } catch (RuntimeException ex) {
      log.error("failure callback failed", ex);
    }
  }

  private void failAll(List<WriteOp> batch, Throwable e) {
    for (WriteOp op : batch) {
      fail(op, e);
    }
  }

  /** Rolls back; the failure, if any, for the caller to report unless the connection was lost. */
  private static SQLException rollback(Connection connection) {
    try {
      connection.rollback();
      return null;
    } catch (SQLException e) {
      return e;
    }
  }

  /** Writes everything queued, then stops the writer thread. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      queue.put(POISON);
      thread.join(TimeUnit.SECONDS.toMillis(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (wakeups != null) {
      wakeups.shutdownNow();
    }
    link.close();
  }
}
