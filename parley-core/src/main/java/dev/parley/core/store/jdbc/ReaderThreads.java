package dev.parley.core.store.jdbc;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.SQLException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The reader threads of a database, beside its writer: a fixed number of threads and a bounded
 * queue of reads (a full queue refuses with {@link StoreOverloadedException}). Where each read gets
 * its connection is the backend's business (SQLite: one per thread; PostgreSQL: from the pool).
 */
public final class ReaderThreads implements AutoCloseable {
  private final ThreadPoolExecutor readers;

  /** A read, run on a reader thread. */
  @FunctionalInterface
  public interface Read<T> {
    T run() throws SQLException;
  }

  public ReaderThreads(int threads, MeterRegistry metrics) {
    AtomicInteger n = new AtomicInteger();
    this.readers = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(10_000),
        r -> {
          Thread t = new Thread(r, "parley-store-reader-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    Gauge.builder("parley.store.read.queue.depth", readers, e -> e.getQueue().size())
        .description("Reads waiting for a reader thread").register(metrics);
  }

  /** Queues {@code read}; the future fails with its exception, or at once when the queue is full. */
  public <T> CompletableFuture<T> submit(Read<T> read) {
    CompletableFuture<T> f = new CompletableFuture<>();
    try {
      readers.execute(() -> {
        try {
          f.complete(read.run());
        } catch (SQLException | RuntimeException e) {
          f.completeExceptionally(e);
        }
      });
    } catch (RejectedExecutionException e) {
      f.completeExceptionally(new StoreOverloadedException("store read queue is full"));
    }
    return f;
  }

  /** Runs the reads queued, takes no more, and waits up to 10 s for them. */
  @Override
  public void close() {
    readers.shutdown();
    try {
      readers.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
