package dev.parley.core.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.core.testing.ManualTime;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SQLite's own behaviour; what every backend does is in {@link StorageContract} ({@link SqliteStorageContractTest}). */
class SqliteStorageTest {
  @TempDir
  Path dir;

  final ManualTime time = new ManualTime();

  SqliteStorage open(SqliteStorage.Settings settings) {
    return new SqliteStorage(settings, new SimpleMeterRegistry(), time.clock());
  }

  @Test
  void walStartsOverOnceLargeInsteadOfGrowingWithEveryWrite() throws Exception {
    int restartPages = 64;
    try (SqliteStorage db = open(new SqliteStorage.Settings(dir.resolve("w.db"), Synchronous.NORMAL, 1, 1000, 10_000,
        restartPages))) {
      db.writer().write(c -> {
        try (Statement st = c.createStatement()) {
          st.execute("CREATE TABLE blobs (id INTEGER PRIMARY KEY, b BLOB NOT NULL)");
        }
        return null;
      }).join();
      byte[] page = new byte[4000];
      int rounds = 100;
      for (int r = 0; r < rounds; r++) {
        // Twice the restart size of one-page rows, and a passive checkpoint while the writer is
        // busy with them: as under load, it never finds the log fully copied with the writer idle,
        // so the log would never start over by itself. 50 MB in all.
        db.writer().write(c -> {
          try (PreparedStatement ps = c.prepareStatement("INSERT INTO blobs (b) VALUES (?)")) {
            for (int i = 0; i < 2 * restartPages; i++) {
              ps.setBytes(1, page);
              ps.executeUpdate();
            }
          }
          try {
            db.checkpointNow().get(10, TimeUnit.SECONDS);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
          return null;
        }).join();
      }
      long written = (long) rounds * 2 * restartPages * page.length;
      long wal = Files.size(dir.resolve("w.db-wal"));
      // Without the restart the WAL holds every page ever written; with it, a few rounds.
      assertThat(wal).isLessThan(written / 4);
      assertThat(db.read(c -> {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM blobs")) {
          rs.next();
          return rs.getInt(1);
        }
      }).join()).isEqualTo(rounds * 2 * restartPages);
    }
  }

}
