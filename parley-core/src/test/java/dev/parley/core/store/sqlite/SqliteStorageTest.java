package dev.parley.core.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.core.store.StoreBackend;
import dev.parley.core.store.jdbc.Migration;
import dev.parley.core.store.jdbc.StoreOverloadedException;
import dev.parley.core.testing.ManualTime;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteStorageTest {
  @TempDir
  Path dir;

  final ManualTime time = new ManualTime();

  SqliteStorage open() {
    return open(new SqliteStorage.Settings(dir.resolve("t.db"), Synchronous.NORMAL, 2, 1000, 10_000));
  }

  SqliteStorage open(SqliteStorage.Settings settings) {
    return new SqliteStorage(settings, new SimpleMeterRegistry(), time.clock());
  }

  static final List<Migration> MIGRATIONS = List.of(
      new Migration(1, "items", List.of("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)")),
      new Migration(2, "items.note", List.of("ALTER TABLE items ADD COLUMN note TEXT")));

  @Test
  void isTheSqliteBackend() {
    try (SqliteStorage db = open()) {
      assertThat(db.backend()).isEqualTo(StoreBackend.SQLITE);
    }
  }

  @Test
  void migrationsRunOnceAcrossRestarts() {
    try (SqliteStorage db = open()) {
      db.migrate("t", MIGRATIONS);
      db.writer().write(c -> insert(c, "a")).join();
    }
    try (SqliteStorage db = open()) {
      db.migrate("t", MIGRATIONS);
      assertThat(db.read(c -> count(c)).join()).isEqualTo(1);
      assertThat(db.read(c -> {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
            "SELECT COUNT(*) FROM schema_migrations WHERE module = 't'")) {
          rs.next();
          return rs.getInt(1);
        }
      }).join()).isEqualTo(2);
    }
  }

  @Test
  void eachSchemaHasItsOwnVersions() {
    try (SqliteStorage db = open()) {
      db.migrate("t", MIGRATIONS.subList(0, 1));
      db.migrate("other", List.of(new Migration(1, "things", List.of("CREATE TABLE things (id INTEGER PRIMARY KEY)"))));
      // "t" is at version 1 although "other" is too: its second step still runs.
      db.migrate("t", MIGRATIONS);
      assertThat(db.read(c -> versions(c, "t")).join()).containsExactly(1, 2);
      assertThat(db.read(c -> versions(c, "other")).join()).containsExactly(1);
    }
  }

  @Test
  void appliedStepsAreDatedByTheInjectedClock() {
    try (SqliteStorage db = open()) {
      db.migrate("t", MIGRATIONS);
      assertThat(db.read(c -> {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
            "SELECT MIN(applied_at), MAX(applied_at) FROM schema_migrations WHERE module = 't'")) {
          rs.next();
          return List.of(rs.getLong(1), rs.getLong(2));
        }
      }).join()).containsOnly(ManualTime.DEFAULT_START.toEpochMilli());
    }
  }

  @Test
  void aFailingStepStopsTheMigrationAndIsNotRecorded() {
    try (SqliteStorage db = open()) {
      List<Migration> broken = List.of(MIGRATIONS.get(0), new Migration(2, "broken", List.of("ALTER TABLE nope ADD x")));
      assertThatThrownBy(() -> db.migrate("t", broken)).isInstanceOf(IllegalStateException.class)
          .hasMessageStartingWith("schema migration failed");
      assertThat(db.read(c -> versions(c, "t")).join()).containsExactly(1);
    }
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

  @Test
  void concurrentWritesShareCommits() throws Exception {
    try (SqliteStorage db = open()) {
      db.migrate("t", MIGRATIONS);
      // Hold the writer so the next writes pile up and must share one batch.
      CountDownLatch gate = new CountDownLatch(1);
      CompletableFuture<Object> blocker = holdWriter(db, gate);
      List<CompletableFuture<Integer>> writes = new ArrayList<>();
      for (int i = 0; i < 500; i++) {
        String name = "n" + i;
        writes.add(db.writer().write(c -> insert(c, name)));
      }
      gate.countDown();
      blocker.join();
      CompletableFuture.allOf(writes.toArray(new CompletableFuture[0])).join();
      assertThat(db.read(SqliteStorageTest::count).join()).isEqualTo(500);
    }
  }

  @Test
  void oneFailingOpDoesNotSinkItsBatch() throws Exception {
    try (SqliteStorage db = open()) {
      db.migrate("t", MIGRATIONS);
      CountDownLatch gate = new CountDownLatch(1);
      holdWriter(db, gate);
      CompletableFuture<Integer> a = db.writer().write(c -> insert(c, "dup"));
      CompletableFuture<Integer> b = db.writer().write(c -> insert(c, "dup"));
      CompletableFuture<Integer> c2 = db.writer().write(c -> insert(c, "other"));
      gate.countDown();
      assertThat(a.join()).isEqualTo(1);
      assertThat(b).failsWithin(5, TimeUnit.SECONDS);
      assertThat(c2.join()).isEqualTo(1);
      assertThat(db.read(SqliteStorageTest::count).join()).isEqualTo(2);
    }
  }

  @Test
  void closeWritesEverythingQueued() {
    List<CompletableFuture<Integer>> writes = new ArrayList<>();
    try (SqliteStorage db = open()) {
      db.migrate("t", MIGRATIONS);
      for (int i = 0; i < 2000; i++) {
        String name = "q" + i;
        writes.add(db.writer().write(c -> insert(c, name)));
      }
    }
    assertThat(writes).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
    try (SqliteStorage db = open()) {
      assertThat(db.read(SqliteStorageTest::count).join()).isEqualTo(2000);
    }
  }

  @Test
  void fullQueueRefusesInsteadOfBlocking() throws Exception {
    try (SqliteStorage db = open(new SqliteStorage.Settings(dir.resolve("small.db"), Synchronous.NORMAL, 1, 10, 100))) {
      CountDownLatch gate = new CountDownLatch(1);
      holdWriter(db, gate);
      int refused = 0;
      for (int i = 0; i < 200; i++) {
        try {
          db.writer().write(c -> null);
        } catch (StoreOverloadedException e) {
          refused++;
        }
      }
      gate.countDown();
      // 100 fit in the queue; the writer may already have pulled up to a batch (10) out of it.
      assertThat(refused).isGreaterThanOrEqualTo(200 - 100 - 10 - 1).isLessThan(200);
    }
  }

  /** Keeps the writer busy until {@code gate} opens, so that the writes queued meanwhile share a batch. */
  static CompletableFuture<Object> holdWriter(SqliteStorage db, CountDownLatch gate) {
    return db.writer().write(c -> {
      try {
        gate.await(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return null;
    });
  }

  static int insert(Connection c, String name) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO items (name) VALUES (?)")) {
      ps.setString(1, name);
      return ps.executeUpdate();
    }
  }

  static int count(Connection c) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM items")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  static List<Integer> versions(Connection c, String schema) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT version FROM schema_migrations WHERE module = ? ORDER BY version")) {
      ps.setString(1, schema);
      try (ResultSet rs = ps.executeQuery()) {
        List<Integer> out = new ArrayList<>();
        while (rs.next()) {
          out.add(rs.getInt(1));
        }
        return out;
      }
    }
  }
}
