package dev.parley.core.store;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

/**
 * The embedded SQLite database in WAL mode: one writer connection owned by the
 * {@link GroupCommitWriter}, and a pool of reader threads each with its own connection (WAL lets
 * readers run beside the writer). Nothing here runs on an event loop.
 */
public final class Database implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Database.class);

  private final Path file;
  private final Connection writerConnection;
  private final GroupCommitWriter writer;
  private final ThreadPoolExecutor readers;
  private final List<Connection> readerConnections = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final ThreadLocal<Connection> readerConnection;
  private final Synchronous synchronous;
  private final java.util.concurrent.ScheduledExecutorService checkpointer;
  private Connection checkpointConnection;
  /** Set by the checkpointer when the WAL has grown past {@link #WAL_RESTART_FRAMES}. */
  private volatile boolean walRestartWanted;
  private volatile long walFrames;
  private final int walRestartPages;

  /**
   * WAL size (in pages) past which the writer itself restarts the WAL. Passive checkpoints beside
   * a writer that never pauses copy the WAL into the database but never let it start over, so it
   * would grow without end (gigabytes at full load) and every read and write slows with it.
   */
  static final int WAL_RESTART_FRAMES = 8192;

  /**
   * Settings of the embedded database. {@code walRestartPages}: WAL size past which the writer
   * starts the WAL over (see {@link #WAL_RESTART_FRAMES}).
   */
  public record Settings(Path file, Synchronous synchronous, int readerThreads, int maxBatch, int queueCapacity,
      int walRestartPages) {
    public Settings(Path file, Synchronous synchronous, int readerThreads, int maxBatch, int queueCapacity) {
      this(file, synchronous, readerThreads, maxBatch, queueCapacity, WAL_RESTART_FRAMES);
    }
  }

  public Database(Settings settings, MeterRegistry metrics) {
    this.file = settings.file();
    this.synchronous = settings.synchronous();
    this.walRestartPages = settings.walRestartPages();
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      this.writerConnection = open(false);
      try (Statement st = writerConnection.createStatement()) {
        // Checkpoints copy the WAL into the database and fsync it; done by the writer they would
        // stall every write behind them, so a thread of their own does them (see below).
        st.execute("PRAGMA wal_autocheckpoint=0");
      }
      writerConnection.setAutoCommit(false);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the data directory for " + file, e);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot open the database " + file + ": " + e.getMessage(), e);
    }
    this.writer = new GroupCommitWriter(writerConnection, settings.maxBatch(), settings.queueCapacity(), metrics);
    this.readerConnection = ThreadLocal.withInitial(() -> {
      try {
        Connection c = open(true);
        readerConnections.add(c);
        return c;
      } catch (SQLException e) {
        throw new IllegalStateException("cannot open a reader connection: " + e.getMessage(), e);
      }
    });
    AtomicInteger n = new AtomicInteger();
    this.readers = new ThreadPoolExecutor(settings.readerThreads(), settings.readerThreads(), 60, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(10_000), r -> {
          Thread t = new Thread(r, "parley-store-reader-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    Gauge.builder("parley.store.read.queue.depth", readers, e -> e.getQueue().size())
        .description("Reads waiting for a reader thread").register(metrics);
    this.checkpointer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "parley-store-checkpoint");
      t.setDaemon(true);
      return t;
    });
    checkpointer.scheduleWithFixedDelay(this::checkpoint, 500, 500, TimeUnit.MILLISECONDS);
    writer.addBatchListener(new GroupCommitWriter.BatchListener() {
      @Override
      public void afterCommit() {
        if (walRestartWanted && restartWal()) {
          walRestartWanted = false; // only now may passive checkpoints run again
        }
      }
    });
    Gauge.builder("parley.store.wal.pages", this, d -> d.walFrames)
        .description("Pages in the write-ahead log at the last checkpoint").register(metrics);
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
   * writer or readers. When the WAL has grown large anyway, the writer is asked to start it over
   * (see {@link #restartWal()}).
   */
  private void checkpoint() {
    if (walRestartWanted) {
      return; // the writer's restart checkpoints it all; two checkpoints at once would collide
    }
    try {
      if (checkpointConnection == null) {
        checkpointConnection = open(false);
      }
      try (Statement st = checkpointConnection.createStatement();
          ResultSet rs = st.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
        if (rs.next()) {
          walFrames = rs.getLong(2);
          if (walFrames >= walRestartPages) {
            walRestartWanted = true;
          }
        }
      }
    } catch (SQLException | RuntimeException e) {
      log.warn("WAL checkpoint failed: {}", e.getMessage());
    }
  }

  /** Runs a checkpoint on the checkpoint thread now (tests). */
  java.util.concurrent.Future<?> checkpointNow() {
    return checkpointer.submit(this::checkpoint);
  }

  private Connection open(boolean readOnly) throws SQLException {
    SQLiteConfig cfg = new SQLiteConfig();
    cfg.setJournalMode(SQLiteConfig.JournalMode.WAL);
    cfg.setSynchronous(SQLiteConfig.SynchronousMode.valueOf(synchronous.name()));
    cfg.setBusyTimeout(10_000);
    cfg.setTempStore(SQLiteConfig.TempStore.MEMORY);
    cfg.setCacheSize(-32_000);
    cfg.enforceForeignKeys(false);
    // Otherwise the driver runs an extra query after every insert; callers that need the row id
    // ask for last_insert_rowid() themselves.
    cfg.setGetGeneratedKeys(false);
    if (readOnly) {
      cfg.setReadOnly(true);
    }
    return DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath(), cfg.toProperties());
  }

  public Path file() {
    return file;
  }

  /** The group-commit writer; every write goes through it. */
  public GroupCommitWriter writer() {
    return writer;
  }

  /**
   * Runs {@code work} on a reader thread. Fails with {@link StoreOverloadedException} when too
   * many reads are waiting.
   */
  public <T> CompletableFuture<T> read(SqlFunction<T> work) {
    CompletableFuture<T> f = new CompletableFuture<>();
    try {
      readers.execute(() -> {
        try {
          f.complete(work.apply(readerConnection.get()));
        } catch (SQLException | RuntimeException e) {
          f.completeExceptionally(e);
        }
      });
    } catch (RejectedExecutionException e) {
      f.completeExceptionally(new StoreOverloadedException("store read queue is full"));
    }
    return f;
  }

  /**
   * Applies the migrations not yet applied, in order of module then version. Runs on the writer
   * connection before the server takes traffic.
   */
  public void migrate(List<Migration> migrations) {
    Map<String, List<Migration>> byModule = new TreeMap<>();
    for (Migration m : migrations) {
      byModule.computeIfAbsent(m.module(), k -> new ArrayList<>()).add(m);
    }
    try {
      writer.write(c -> {
        try (Statement st = c.createStatement()) {
          st.execute("CREATE TABLE IF NOT EXISTS schema_migrations (module TEXT NOT NULL, version INTEGER NOT NULL,"
              + " description TEXT NOT NULL, applied_at INTEGER NOT NULL, PRIMARY KEY (module, version))");
        }
        return null;
      }).join();
      for (Map.Entry<String, List<Migration>> e : byModule.entrySet()) {
        List<Migration> steps = new ArrayList<>(e.getValue());
        steps.sort(Comparator.comparingInt(Migration::version));
        int applied = writer.write(c -> currentVersion(c, e.getKey())).join();
        for (Migration m : steps) {
          if (m.version() <= applied) {
            continue;
          }
          writer.write(c -> {
            try (Statement st = c.createStatement()) {
              for (String sql : m.statements()) {
                st.execute(sql);
              }
            }
            try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO schema_migrations (module, version, description, applied_at) VALUES (?, ?, ?, ?)")) {
              ps.setString(1, m.module());
              ps.setInt(2, m.version());
              ps.setString(3, m.description());
              ps.setLong(4, System.currentTimeMillis());
              ps.executeUpdate();
            }
            return null;
          }).join();
          log.info("schema {} v{}: {}", m.module(), m.version(), m.description());
        }
      }
    } catch (java.util.concurrent.CompletionException e) {
      throw new IllegalStateException("schema migration failed: " + e.getCause().getMessage(), e.getCause());
    }
  }

  private static int currentVersion(Connection c, String module) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT MAX(version) FROM schema_migrations WHERE module = ?")) {
      ps.setString(1, module);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getInt(1) : 0;
      }
    }
  }

  /** Writes everything queued, checkpoints the WAL and closes every connection. */
  @Override
  public void close() {
    writer.close();
    checkpointer.shutdown();
    try {
      checkpointer.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (checkpointConnection != null) {
      closeQuietly(checkpointConnection);
    }
    readers.shutdown();
    try {
      readers.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      writerConnection.setAutoCommit(true);
      try (Statement st = writerConnection.createStatement()) {
        st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
      }
    } catch (SQLException e) {
      log.warn("WAL checkpoint at close failed: {}", e.getMessage());
    }
    for (Connection c : readerConnections) {
      closeQuietly(c);
    }
    closeQuietly(writerConnection);
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException e) {
      log.debug("closing a connection: {}", e.getMessage());
    }
  }
}
