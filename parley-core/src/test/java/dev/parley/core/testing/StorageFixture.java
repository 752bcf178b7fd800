package dev.parley.core.testing;

import dev.parley.core.store.CloseableStorage;
import dev.parley.core.store.StoreBackend;
import dev.parley.core.store.postgres.PostgresStorage;
import dev.parley.core.store.sqlite.SqliteStorage;
import dev.parley.core.store.sqlite.Synchronous;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A fresh, empty database of one backend for one test: a new SQLite file in a temporary directory,
 * or a new database on the PostgreSQL server this JVM shares (started on first use, stopped and
 * deleted when the JVM exits). {@link #close} deletes what it made. The system property
 * {@value #PROPERTY} ({@code sqlite} or {@code postgres}) picks the backend of every
 * {@link TestKernel}, so a module's whole suite can run on PostgreSQL.
 */
public final class StorageFixture implements AutoCloseable {
  /** System property naming the backend the test kernels store in. */
  public static final String PROPERTY = "parley.test.store";
  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static PostgresServer server;

  private final StoreBackend backend;
  private final Path dir;
  private final String database;

  private StorageFixture(StoreBackend backend, Path dir, String database) {
    this.backend = backend;
    this.dir = dir;
    this.database = database;
  }

  /** The backend {@value #PROPERTY} names; SQLite when unset. */
  public static StoreBackend selected() {
    return StoreBackend.valueOf(System.getProperty(PROPERTY, "sqlite").toUpperCase(Locale.ROOT));
  }

  /** A fresh database of {@code backend}. */
  public static StorageFixture create(StoreBackend backend) {
    if (backend == StoreBackend.POSTGRES) {
      String db = "parley_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
      server().createDatabase(db);
      return new StorageFixture(backend, null, db);
    }
    try {
      return new StorageFixture(backend, Files.createTempDirectory("parley-store-"), null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The PostgreSQL server of this JVM, started on first use. */
  public static synchronized PostgresServer server() {
    if (server == null) {
      PostgresServer s = PostgresServer.started();
      Runtime.getRuntime().addShutdownHook(new Thread(s::close, "postgres-fixture-stop"));
      server = s;
    }
    return server;
  }

  public StoreBackend backend() {
    return backend;
  }

  /** Opens the database (again: a second open sees what the first wrote). */
  public CloseableStorage open(Clock clock) {
    return open(2, 1000, 10_000, clock);
  }

  /** Opens the database with {@code readers} reader threads and the writer's batch and queue limits. */
  public CloseableStorage open(int readers, int maxBatch, int queueCapacity, Clock clock) {
    SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    if (backend == StoreBackend.POSTGRES) {
      return new PostgresStorage(new PostgresStorage.Settings(server().jdbcUrl(database), PostgresServer.USER, null,
          readers, maxBatch, queueCapacity), metrics, clock);
    }
    return new SqliteStorage(new SqliteStorage.Settings(dir.resolve("t.db"), Synchronous.NORMAL, readers, maxBatch,
        queueCapacity), metrics, clock);
  }

  /** The config keys that point a kernel at this database (none for SQLite: its file is in data.dir). */
  public Map<String, String> kernelConfig() {
    if (backend == StoreBackend.POSTGRES) {
      return Map.of("store.postgres.url", server().jdbcUrl(database), "store.postgres.user", PostgresServer.USER);
    }
    return Map.of();
  }

  /** Deletes the database; every storage opened on it must be closed first. */
  @Override
  public void close() {
    if (backend == StoreBackend.POSTGRES) {
      server().dropDatabase(database);
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
