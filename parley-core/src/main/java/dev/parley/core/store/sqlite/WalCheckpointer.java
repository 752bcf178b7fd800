package dev.parley.core.store.sqlite;

import dev.parley.core.store.jdbc.GroupCommitWriter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the WAL of the SQLite file bounded. Checkpoints copy the WAL into the database and fsync
 * it; done by the writer they would stall every write behind them, so a thread of its own runs a
 * passive checkpoint every 500 ms, which blocks neither the writer nor readers. When the WAL has
 * grown large anyway, the writer restarts it between two batches (see {@link #restartWal()}).
 */
final class WalCheckpointer implements GroupCommitWriter.BatchListener {
  private static final Logger log = LoggerFactory.getLogger(WalCheckpointer.class);

  /**
   * WAL size (in pages) past which the writer itself restarts the WAL. Passive checkpoints beside
   * a writer that never pauses copy the WAL into the database but never let it start over, so it
   * would grow without end (gigabytes at full load) and every read and write slows with it.
   */
  static final int WAL_RESTART_FRAMES = 8192;

  private final SqliteFile file;
  private final Connection writerConnection;
  private final int restartPages;
  private final ScheduledExecutorService thread;
  /** The checkpoint thread's own connection, opened on first use. */
  private Connection connection;
  /** Set by the checkpointer when the WAL has grown past {@link #restartPages}. */
  private volatile boolean restartWanted;
  private volatile long walFrames;

  /** Starts checkpointing {@code file}, whose writer holds {@code writerConnection}. */
  WalCheckpointer(SqliteFile file, Connection writerConnection, int restartPages, MeterRegistry metrics) {
    this.file = file;
    this.writerConnection = writerConnection;
    this.restartPages = restartPages;
    this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "parley-store-checkpoint");
      t.setDaemon(true);
      return t;
    });
    thread.scheduleWithFixedDelay(this::checkpoint, 500, 500, TimeUnit.MILLISECONDS);
    Gauge.builder("parley.store.wal.pages", this, w -> w.walFrames)
        .description("Pages in the write-ahead log at the last checkpoint").register(metrics);
  }

  /** On the writer thread after each batch: restarts the WAL when the checkpointer asked for it. */
  @Override
  public void afterCommit() {
    if (restartWanted && restartWal()) {
      restartWanted = false; // only now may passive checkpoints run again
    }
  }

  /**
   * On the writer thread, between batches: checkpoints what the passive checkpoints left (little,
   * as they run all the time) and starts the WAL over. Writes wait for it, briefly; readers do not.
   */
  private boolean restartWal() {
    long start = System.nanoTime();
    try {
      writerConnection.setAutoCommit(true);
      try (Statement st = writerConnection.createStatement();
          ResultSet rs = st.executeQuery("PRAGMA wal_checkpoint(RESTART)")) {
        // Busy: readers still in the log past the busy timeout; tried again after the next batch.
        boolean done = rs.next() && rs.getInt(1) == 0;
        log.debug("WAL restart: {} pages in the log, {} copied now, {} ms", walFrames, rs.getInt(3),
            (System.nanoTime() - start) / 1_000_000);
        return done;
      } finally {
        writerConnection.setAutoCommit(false);
      }
    } catch (SQLException e) {
      log.warn("WAL restart failed: {}", e.getMessage());
      return true;
    }
  }

  /**
   * A passive checkpoint: copies what it can of the WAL into the database without blocking the
   * writer or readers. When the WAL has grown past {@link #restartPages}, asks the writer to start
   * it over.
   */
  private void checkpoint() {
    if (restartWanted) {
      return; // the writer's restart checkpoints it all; two checkpoints at once would collide
    }
    try {
      if (connection == null) {
        connection = file.open(false);
      }
      try (Statement st = connection.createStatement();
          ResultSet rs = st.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
        if (rs.next()) {
          walFrames = rs.getLong(2);
          if (walFrames >= restartPages) {
            restartWanted = true;
          }
        }
      }
    } catch (SQLException | RuntimeException e) {
      log.warn("WAL checkpoint failed: {}", e.getMessage());
    }
  }

  /** Runs a checkpoint on the checkpoint thread now (tests). */
  Future<?> checkpointNow() {
    return thread.submit(this::checkpoint);
  }

  /** Stops the checkpoint thread and closes its connection. */
  void stop() {
    thread.shutdown();
    try {
      thread.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (connection != null) {
      SqliteFile.closeQuietly(connection);
    }
  }

  /** After the writer has stopped: copies the whole WAL into the database and empties it. */
  void truncate() {
    try {
      writerConnection.setAutoCommit(true);
      try (Statement st = writerConnection.createStatement()) {
        st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
      }
    } catch (SQLException e) {
      log.warn("WAL checkpoint at close failed: {}", e.getMessage());
    }
  }
}
