package dev.parley.core.store.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import dev.parley.core.store.CloseableStorage;
import dev.parley.core.store.StoreBackend;
import dev.parley.core.store.jdbc.GroupCommitWriter;
import dev.parley.core.store.jdbc.Migration;
import dev.parley.core.store.jdbc.Migrator;
import dev.parley.core.store.jdbc.ReaderThreads;
import dev.parley.core.store.jdbc.SqlFunction;
import dev.parley.core.time.TimeSource;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL server as the store: one writer connection owned by the {@link GroupCommitWriter}
 * (each batch one transaction, one commit), and reader threads that borrow connections from a
 * HikariCP pool of {@code poolSize}. Schemas migrate through the same {@link Migrator} as on
 * SQLite, one node at a time (an advisory lock). Nothing here runs on an event loop.
 *
 * <p>When the server goes away (restarted, failed over) the node keeps running: writes fail with
 * {@code StoreUnavailableException} while it is unreachable and the writer connects again on its
 * own; the pool replaces its dead connections as readers ask for them.
 */
public final class PostgresStorage implements CloseableStorage {
  private static final Logger log = LoggerFactory.getLogger(PostgresStorage.class);

  // A read waits at most this long for a connection while the server is unreachable, then fails.
  private static final long READ_CONNECTION_TIMEOUT_MS = 3_000;

  private final String url;
  private final GroupCommitWriter writer;
  private final Migrator migrator;
  private final HikariDataSource pool;
  private final ReaderThreads readers;

  /**
   * Settings of the connection. {@code poolSize}: reader connections (and reader threads);
   * {@code maxBatch} and {@code queueCapacity} as for the SQLite writer.
   */
  public record Settings(String url, String user, String password, int poolSize, int maxBatch, int queueCapacity) {
    @Override
    public String toString() {
      // Never the password.
      return "Settings[url=" + url + ", user=" + user + ", poolSize=" + poolSize + "]";
    }
  }

  /**
   * Connects to the server; {@code time} dates the schema steps applied and paces reconnecting.
   *
   * @throws IllegalStateException when the server refuses or cannot be reached, naming the URL
   */
  public PostgresStorage(Settings settings, MeterRegistry metrics, TimeSource time) {
    this(settings, metrics, time, time.clock());
  }

  /** Connects to the server; {@code clock} dates the schema steps applied, reconnecting runs on real time. */
  public PostgresStorage(Settings settings, MeterRegistry metrics, Clock clock) {
    this(settings, metrics, TimeSource.system(), clock);
  }

  private PostgresStorage(Settings settings, MeterRegistry metrics, TimeSource time, Clock clock) {
    this.url = settings.url();
    if (url == null || !url.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException("not a jdbc:postgresql: URL: " + (url == null ? null : redacted(url)));
    }
    Properties properties = properties(settings);
    Connection writerConnection;
    try {
      writerConnection = DriverManager.getConnection(url, properties);
      writerConnection.setAutoCommit(false);
    } catch (SQLException e) {
      throw unreachable(e);
    }
    HikariDataSource ds;
    try {
      ds = new HikariDataSource(poolConfig(settings));
    } catch (HikariPool.PoolInitializationException e) {
      closeQuietly(writerConnection);
      throw unreachable(e.getCause() instanceof SQLException s ? s : new SQLException(e.getMessage(), e));
    }
    this.pool = ds;
    this.writer = new GroupCommitWriter(writerConnection, () -> DriverManager.getConnection(url, properties), time,
        settings.maxBatch(), settings.queueCapacity(), metrics);
    this.migrator = new Migrator(writer, clock, new AdvisoryMigrationLock());
    this.readers = new ReaderThreads(settings.poolSize(), metrics);
    Gauge.builder("parley.store.pool.active", pool, p -> p.getHikariPoolMXBean().getActiveConnections())
        .description("Reader connections in use").register(metrics);
    log.info("store: PostgreSQL at {} ({} reader connections)", redacted(url), settings.poolSize());
  }

  static Properties properties(Settings settings) {
    Properties p = new Properties();
    if (settings.user() != null) {
      p.setProperty("user", settings.user());
    }
    if (settings.password() != null) {
      p.setProperty("password", settings.password());
    }
    p.setProperty("ApplicationName", "parley");
    return p;
  }

  private static HikariConfig poolConfig(Settings settings) {
    HikariConfig c = new HikariConfig();
    c.setPoolName("parley-store-readers");
    c.setJdbcUrl(settings.url());
    c.setUsername(settings.user());
    c.setPassword(settings.password());
    c.setMaximumPoolSize(settings.poolSize());
    c.setMinimumIdle(1);
    c.setReadOnly(true);
    c.setAutoCommit(true);
    // Start-up fails at once rather than waiting for a server that is not there.
    c.setInitializationFailTimeout(1);
    c.setConnectionTimeout(READ_CONNECTION_TIMEOUT_MS);
    c.addDataSourceProperty("ApplicationName", "parley");
    return c;
  }

  private IllegalStateException unreachable(SQLException e) {
    return new IllegalStateException("cannot connect to PostgreSQL at " + redacted(url) + ": " + e.getMessage(), e);
  }

  /** The URL without a password it may carry, for messages and logs. */
  static String redacted(String url) {
    return url.replaceAll("(?i)(password=)[^&]*", "$1***");
  }

  @Override
  public StoreBackend backend() {
    return StoreBackend.POSTGRES;
  }

  /** The JDBC URL this store is connected to. */
  public String url() {
    return url;
  }

  @Override
  public GroupCommitWriter writer() {
    return writer;
  }

  @Override
  public <T> CompletableFuture<T> read(SqlFunction<T> work) {
    return readers.submit(() -> {
      try (Connection c = pool.getConnection()) {
        return work.apply(c);
      }
    });
  }

  @Override
  public void migrate(String schema, List<Migration> steps) {
    migrator.migrate(schema, steps);
  }

  /** Writes everything queued, then closes the writer's connection and the pool. */
  @Override
  public void close() {
    writer.close();
    readers.close();
    pool.close();
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException e) {
      log.debug("closing a connection: {}", e.getMessage());
    }
  }
}
