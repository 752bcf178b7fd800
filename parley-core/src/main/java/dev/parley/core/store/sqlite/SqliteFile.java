package dev.parley.core.store.sqlite;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

/** Opens connections to one SQLite file, every one with the same settings (WAL, synchronous mode). */
final class SqliteFile {
  private static final Logger log = LoggerFactory.getLogger(SqliteFile.class);

  private final Path path;
  private final Synchronous synchronous;

  SqliteFile(Path path, Synchronous synchronous) {
    this.path = path;
    this.synchronous = synchronous;
  }

  Path path() {
    return path;
  }

  Connection open(boolean readOnly) throws SQLException {
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
    return DriverManager.getConnection("jdbc:sqlite:" + path.toAbsolutePath(), cfg.toProperties());
  }

  static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException e) {
      log.debug("closing a connection: {}", e.getMessage());
    }
  }
}
