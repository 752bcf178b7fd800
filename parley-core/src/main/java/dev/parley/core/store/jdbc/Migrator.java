package dev.parley.core.store.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings one schema up to date through the group-commit writer: the steps not yet recorded in
 * {@code schema_migrations} run in order of version, each in its own write, and are recorded with
 * the time of the injected clock. The table's SQL is the same on SQLite and PostgreSQL. On a
 * database that several processes share, a {@link Lock} keeps them from migrating at once: the
 * second waits, then finds the steps applied.
 */
public final class Migrator {
  private static final Logger log = LoggerFactory.getLogger(Migrator.class);

  private final GroupCommitWriter writer;
  private final Clock clock;
  private final Lock lock;

  /**
   * Held by one process at a time around its migrations, on the writer's connection: taken in a
   * write of its own before anything is read, released after the last step (or the failure).
   */
  public interface Lock {
    /** Waits until this connection holds the lock. */
    void acquire(Connection c) throws SQLException;

    /** Lets the next process in. */
    void release(Connection c) throws SQLException;
  }

  /** A migrator for a database only this process writes (SQLite's file): no lock. */
  public Migrator(GroupCommitWriter writer, Clock clock) {
    this(writer, clock, null);
  }

  /** A migrator that holds {@code lock} while it migrates. */
  public Migrator(GroupCommitWriter writer, Clock clock, Lock lock) {
    this.writer = writer;
    this.clock = clock;
    this.lock = lock;
  }

  /**
   * Applies the steps of {@code schema} not yet applied and returns once they are durable. A
   * store calls it when it opens, before it takes traffic; never on an event loop.
   *
   * @throws IllegalStateException when a step fails (what it wrote is rolled back)
   */
  public void migrate(String schema, List<Migration> steps) {
    if (schema == null || schema.isBlank()) {
      throw new IllegalArgumentException("a schema needs a name");
    }
    List<Migration> ordered = new ArrayList<>(steps);
    ordered.sort(Comparator.comparingInt(Migration::version));
    Set<Integer> versions = new HashSet<>();
    for (Migration m : ordered) {
      if (!versions.add(m.version())) {
        throw new IllegalArgumentException("schema " + schema + " has two steps of version " + m.version());
      }
    }
    try {
      if (lock != null) {
        writer.write(c -> {
          lock.acquire(c);
          return null;
        }).join();
      }
      try {
        applyPending(schema, ordered);
      } finally {
        if (lock != null) {
          release();
        }
      }
    } catch (CompletionException e) {
      throw new IllegalStateException("schema migration failed: " + e.getCause().getMessage(), e.getCause());
    }
  }

  private void applyPending(String schema, List<Migration> ordered) {
    writer.write(Migrator::createTable).join();
    int applied = writer.write(c -> currentVersion(c, schema)).join();
    for (Migration m : ordered) {
      if (m.version() <= applied) {
        continue;
      }
      writer.write(c -> apply(c, schema, m)).join();
      log.info("schema {} v{}: {}", schema, m.version(), m.description());
    }
  }

  private void release() {
    try {
      writer.write(c -> {
        lock.release(c);
        return null;
      }).join();
    } catch (CompletionException e) {
      // A lock lost with its connection is released already.
      log.warn("releasing the migration lock: {}", e.getCause().toString());
    }
  }

  private static Void createTable(Connection c) throws SQLException {
    try (Statement st = c.createStatement()) {
      // Column "module" holds the schema's name (the name it had when each module had one schema).
      st.execute("CREATE TABLE IF NOT EXISTS schema_migrations (module TEXT NOT NULL, version INTEGER NOT NULL,"
          + " description TEXT NOT NULL, applied_at BIGINT NOT NULL, PRIMARY KEY (module, version))");
    }
    return null;
  }

  private Void apply(Connection c, String schema, Migration m) throws SQLException {
    try (Statement st = c.createStatement()) {
      for (String sql : m.statements()) {
        st.execute(sql);
      }
    }
    try (PreparedStatement ps = c.prepareStatement(
        "INSERT INTO schema_migrations (module, version, description, applied_at) VALUES (?, ?, ?, ?)")) {
      ps.setString(1, schema);
      ps.setInt(2, m.version());
      ps.setString(3, m.description());
      ps.setLong(4, clock.millis());
      ps.executeUpdate();
    }
    return null;
  }

  private static int currentVersion(Connection c, String schema) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT MAX(version) FROM schema_migrations WHERE module = ?")) {
      ps.setString(1, schema);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getInt(1) : 0;
      }
    }
  }
}
