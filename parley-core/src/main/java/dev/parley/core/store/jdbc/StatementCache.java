package dev.parley.core.store.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * Prepared statements kept for one thread's connection (the writer's, or a reader's), so hot
 * statements are parsed once rather than on every use. Not thread-safe: one cache per thread.
 * Statements from it are not closed by callers; their result sets are.
 */
public final class StatementCache {
  private Connection connection;
  private final Map<String, PreparedStatement> statements = new HashMap<>();

  /** The statement for {@code sql} on {@code c}, prepared on first use. */
  public PreparedStatement get(Connection c, String sql) throws SQLException {
    if (c != connection) {
      statements.clear();
      connection = c;
    }
    PreparedStatement ps = statements.get(sql);
    if (ps == null || ps.isClosed()) {
      ps = c.prepareStatement(sql);
      statements.put(sql, ps);
    }
    return ps;
  }
}
