package dev.parley.core.store.postgres;

import dev.parley.core.store.jdbc.Migrator;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * PostgreSQL's session advisory lock on one fixed key, so nodes starting together on one database
 * migrate one after another. Session-level, not transaction-level: it spans the migrator's many
 * writes, and a node that dies while holding it releases it with its connection.
 */
final class AdvisoryMigrationLock implements Migrator.Lock {
  /** "parley" in ASCII: the key every node takes, whatever its schemas. */
  static final long KEY = 0x7061_726c_6579L;

  @Override
  public void acquire(Connection c) throws SQLException {
    call(c, "SELECT pg_advisory_lock(?)");
  }

  @Override
  public void release(Connection c) throws SQLException {
    call(c, "SELECT pg_advisory_unlock(?)");
  }

  private static void call(Connection c, String sql) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setLong(1, KEY);
      ps.executeQuery().close();
    }
  }
}
