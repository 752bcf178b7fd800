package dev.parley.core.store.postgres;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Copies an embedded server's SQLite database into PostgreSQL, table by table, for {@code parley
 * migrate --to postgres}. The PostgreSQL schema must exist already (the stores create it when they
 * open). Rows go over in batches, one transaction each, and a row the target already holds (same
 * key) is skipped, so a copy that was cut off continues where it stopped when run again. Identity
 * columns continue after the highest copied value. Each table is then counted on both sides. The
 * target must be empty at the first run: the database records the file it is filled from, and a
 * database holding other rows, or filled from another file, is refused.
 */
public final class SqliteToPostgres {
  /**
   * One table's figures.
   *
   * @param copied rows this run inserted (the others were there already)
   */
  public record TableCount(String table, long source, long target, long copied) {
    /** Whether both sides hold the same number of rows. */
    public boolean matches() {
      return source == target;
    }
  }

  /** Where a copy records the SQLite file it fills the database from. */
  static final String SOURCE_TABLE = "parley_migrated_from";

  private SqliteToPostgres() {}

  /**
   * Copies every table of {@code sqliteFile} but SQLite's own and {@code schema_migrations} (each
   * side records its own schema steps).
   *
   * @throws IllegalStateException when a table is missing in PostgreSQL or a database cannot be used
   */
  public static List<TableCount> copy(Path sqliteFile, PostgresStorage.Settings target, int batch,
      Consumer<String> progress) {
    if (!Files.isRegularFile(sqliteFile)) {
      throw new IllegalStateException("no SQLite database at " + sqliteFile);
    }
    try (Connection src = DriverManager.getConnection("jdbc:sqlite:" + sqliteFile.toAbsolutePath());
        Connection dst = DriverManager.getConnection(target.url(), PostgresStorage.properties(target))) {
      dst.setAutoCommit(false);
      List<String> tables = tables(src);
      claim(dst, sqliteFile.toAbsolutePath().normalize().toString(), tables);
      List<TableCount> out = new ArrayList<>();
      for (String table : tables) {
        out.add(copyTable(src, dst, table, batch, progress));
      }
      return out;
    } catch (SQLException e) {
      throw new IllegalStateException("copy failed: " + e.getMessage(), e);
    }
  }

  /**
   * Records which SQLite file this database is being filled from, so that a run again continues it,
   * and refuses a database that holds rows from anywhere else: skipping rows "already there" would
   * then skip rows that only share a key.
   */
  private static void claim(Connection dst, String source, List<String> tables) throws SQLException {
    try (Statement st = dst.createStatement()) {
      st.execute("CREATE TABLE IF NOT EXISTS " + SOURCE_TABLE + " (source TEXT PRIMARY KEY, started_at BIGINT NOT NULL)");
    }
    List<String> sources = new ArrayList<>();
    try (Statement st = dst.createStatement(); ResultSet rs = st.executeQuery("SELECT source FROM " + SOURCE_TABLE)) {
      while (rs.next()) {
        sources.add(rs.getString(1));
      }
    }
    if (!sources.isEmpty() && !sources.contains(source)) {
      dst.rollback();
      throw new IllegalStateException("the PostgreSQL database is being filled from " + sources
          + ", not from " + source + ": migrate into an empty database");
    }
    if (sources.isEmpty()) {
      for (String table : tables) {
        long rows = exists(dst, table) ? count(dst, table) : 0;
        if (rows > 0) {
          dst.rollback();
          throw new IllegalStateException("the PostgreSQL database already holds data (" + table + ": " + rows
              + " rows) that was not copied from " + source + ": migrate into an empty database");
        }
      }
      try (PreparedStatement ps = dst.prepareStatement("INSERT INTO " + SOURCE_TABLE + " VALUES (?, ?)")) {
        ps.setString(1, source);
        ps.setLong(2, System.currentTimeMillis());
        ps.execute();
      }
    }
    dst.commit();
  }

  private static List<String> tables(Connection src) throws SQLException {
    List<String> tables = new ArrayList<>();
    try (Statement st = src.createStatement();
        ResultSet rs = st.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table'"
            + " AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations' ORDER BY name")) {
      while (rs.next()) {
        tables.add(rs.getString(1));
      }
    }
    return tables;
  }

  private static TableCount copyTable(Connection src, Connection dst, String table, int batch,
      Consumer<String> progress) throws SQLException {
    if (!exists(dst, table)) {
      throw new IllegalStateException("table " + table + " is missing in PostgreSQL");
    }
    List<String> columns = new ArrayList<>();
    try (Statement st = src.createStatement(); ResultSet rs = st.executeQuery("PRAGMA table_info(" + quote(table) + ")")) {
      while (rs.next()) {
        columns.add(quote(rs.getString("name")));
      }
    }
    String list = String.join(", ", columns);
    String insert = "INSERT INTO " + quote(table) + " (" + list + ") VALUES (" + "?, ".repeat(columns.size() - 1)
        + "?) ON CONFLICT DO NOTHING";
    long copied = 0;
    long read = 0;
    try (Statement st = src.createStatement(); ResultSet rs = st.executeQuery("SELECT " + list + " FROM " + quote(table));
        PreparedStatement ps = dst.prepareStatement(insert)) {
      int pending = 0;
      while (rs.next()) {
        for (int i = 1; i <= columns.size(); i++) {
          ps.setObject(i, rs.getObject(i));
        }
        ps.addBatch();
        read++;
        if (++pending == batch) {
          copied += flush(ps, dst);
          pending = 0;
          progress.accept(table + ": " + read + " rows read, " + copied + " inserted");
        }
      }
      if (pending > 0) {
        copied += flush(ps, dst);
      }
    }
    continueIdentities(dst, table);
    dst.commit();
    TableCount count = new TableCount(table, count(src, table), count(dst, table), copied);
    progress.accept(table + ": " + count.source() + " rows in SQLite, " + count.target() + " in PostgreSQL ("
        + copied + " inserted now)" + (count.matches() ? "" : ": COUNTS DIFFER"));
    return count;
  }

  private static long flush(PreparedStatement ps, Connection dst) throws SQLException {
    long n = 0;
    for (int r : ps.executeBatch()) {
      n += Math.max(r, 0);
    }
    dst.commit();
    return n;
  }

  /** Moves each identity column's sequence past the highest value now in the table. */
  private static void continueIdentities(Connection dst, String table) throws SQLException {
    List<String> identities = new ArrayList<>();
    try (PreparedStatement ps = dst.prepareStatement("SELECT column_name FROM information_schema.columns"
        + " WHERE table_schema = current_schema() AND table_name = ? AND is_identity = 'YES'")) {
      ps.setString(1, table);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          identities.add(rs.getString(1));
        }
      }
    }
    for (String column : identities) {
      try (PreparedStatement ps = dst.prepareStatement("SELECT setval(pg_get_serial_sequence(?, ?),"
          + " COALESCE((SELECT MAX(" + quote(column) + ") FROM " + quote(table) + "), 0) + 1, false)")) {
        ps.setString(1, table);
        ps.setString(2, column);
        ps.execute();
      }
    }
  }

  private static boolean exists(Connection dst, String table) throws SQLException {
    try (PreparedStatement ps = dst.prepareStatement("SELECT 1 FROM information_schema.tables"
        + " WHERE table_schema = current_schema() AND table_name = ?")) {
      ps.setString(1, table);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  private static long count(Connection c, String table) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + quote(table))) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static String quote(String name) {
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }
}
