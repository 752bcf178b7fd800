package dev.parley.core.store.sqlite;

import dev.parley.core.store.CloseableStorage;
import dev.parley.core.store.StoreBackend;
import dev.parley.core.store.jdbc.GroupCommitWriter;
import dev.parley.core.store.jdbc.Migration;
import dev.parley.core.store.jdbc.Migrator;
import dev.parley.core.store.jdbc.ReaderThreads;
import dev.parley.core.store.jdbc.SqlFunction;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;

/**
 * The embedded SQLite database in WAL mode: one writer connection owned by the
 * {@link GroupCommitWriter}, a pool of reader threads each with its own connection (WAL lets
 * readers run beside the writer), and the {@link WalCheckpointer}. Nothing here runs on an event
 * loop.
 */
public final class SqliteStorage implements CloseableStorage {
  private final SqliteFile file;
  private final Connection writerConnection;
  private final GroupCommitWriter writer;
  private final Migrator migrator;
  private final WalCheckpointer checkpointer;
  private final ReaderThreads readers;
  private final List<Connection> readerConnections = new CopyOnWriteArrayList<>();
  private final ThreadLocal<Connection> readerConnection;

  /**
   * Settings of the embedded database. {@code walRestartPages}: WAL size past which the writer
   * starts the WAL over (see {@link WalCheckpointer#WAL_RESTART_FRAMES}).
   */
  public record Settings(Path file, Synchronous synchronous, int readerThreads, int maxBatch, int queueCapacity,
      int walRestartPages) {
    public Settings(Path file, Synchronous synchronous, int readerThreads, int maxBatch, int queueCapacity) {
      this(file, synchronous, readerThreads, maxBatch, queueCapacity, WalCheckpointer.WAL_RESTART_FRAMES);
    }
  }

  /** Opens (or creates) the database file; {@code clock} dates the schema steps applied. */
  public SqliteStorage(Settings settings, MeterRegistry metrics, Clock clock) {
    this.file = new SqliteFile(settings.file(), settings.synchronous());
    try {
      Path parent = file.path().toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      this.writerConnection = file.open(false);
      try (Statement st = writerConnection.createStatement()) {
        // The checkpointer's thread copies the WAL into the database, not the writer.
        st.execute("PRAGMA wal_autocheckpoint=0");
      }
      writerConnection.setAutoCommit(false);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the data directory for " + file.path(), e);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot open the database " + file.path() + ": " + e.getMessage(), e);
    }
    this.writer = new GroupCommitWriter(writerConnection, settings.maxBatch(), settings.queueCapacity(), metrics);
    this.migrator = new Migrator(writer, clock);
    this.readerConnection = ThreadLocal.withInitial(() -> {
      try {
        Connection c = file.open(true);
        readerConnections.add(c);
        return c;
      } catch (SQLException e) {
        throw new IllegalStateException("cannot open a reader connection: " + e.getMessage(), e);
      }
    });
    this.readers = new ReaderThreads(settings.readerThreads(), metrics);
    this.checkpointer = new WalCheckpointer(file, writerConnection, settings.walRestartPages(), metrics);
    writer.addBatchListener(checkpointer);
  }

  @Override
  public StoreBackend backend() {
    return StoreBackend.SQLITE;
  }

  public Path file() {
    return file.path();
  }

  @Override
  public GroupCommitWriter writer() {
    return writer;
  }

  @Override
  public <T> CompletableFuture<T> read(SqlFunction<T> work) {
    return readers.submit(() -> work.apply(readerConnection.get()));
  }

  @Override
  public void migrate(String schema, List<Migration> steps) {
    migrator.migrate(schema, steps);
  }

  /** Runs a checkpoint on the checkpoint thread now (tests). */
  Future<?> checkpointNow() {
    return checkpointer.checkpointNow();
  }

  /** Writes everything queued, checkpoints the WAL and closes every connection. */
  @Override
  public void close() {
    writer.close();
    checkpointer.stop();
    readers.close();
    checkpointer.truncate();
    for (Connection c : readerConnections) {
      SqliteFile.closeQuietly(c);
    }
    SqliteFile.closeQuietly(writerConnection);
  }
}
