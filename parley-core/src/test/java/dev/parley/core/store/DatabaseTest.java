package dev.parley.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
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

class DatabaseTest {
  @TempDir
  Path dir;

  Database open() {
    return new Database(new Database.Settings(dir.resolve("t.db"), Synchronous.NORMAL, 2, 1000, 10_000),
        new SimpleMeterRegistry());
  }

  static final List<Migration> MIGRATIONS = List.of(
      new Migration("t", 1, "items", List.of("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)")),
      new Migration("t", 2, "items.note", List.of("ALTER TABLE items ADD COLUMN note TEXT")));

  @Test
  void migrationsRunOnceAcrossRestarts() {
    try (Database db = open()) {
      db.migrate(MIGRATIONS);
      db.writer().write(c -> insert(c, "a")).join();
    }
    try (Database db = open()) {
      db.migrate(MIGRATIONS);
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
  void walStartsOverOnceLargeInsteadOfGrowingWithEveryWrite() throws Exception {
    int restartPages = 64;
    try (Database db = new Database(new Database.Settings(dir.resolve("w.db"), Synchronous.NORMAL, 1, 1000, 10_000,
        restartPages), new SimpleMeterRegistry())) {
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
      long wal = java.nio.file.Files.size(dir.resolve("w.db-wal"));
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
    try (Database db = open()) {
      db.migrate(MIGRATIONS);
      // Hold the writer so the next writes pile up and must share one batch.
      CountDownLatch gate = new CountDownLatch(1);
      CompletableFuture<Object> blocker = db.writer().write(c -> {
        try {
          gate.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return null;
      });
      List<CompletableFuture<Integer>> writes = new ArrayList<>();
      for (int i = 0; i < 500; i++) {
        String name = "n" + i;
        writes.add(db.writer().write(c -> insert(c, name)));
      }
      gate.countDown();
      blocker.join();
      CompletableFuture.allOf(writes.toArray(new CompletableFuture[0])).join();
      assertThat(db.read(DatabaseTest::count).join()).isEqualTo(500);
    }
  }

  @Test
  void oneFailingOpDoesNotSinkItsBatch() throws Exception {
    try (Database db = open()) {
      db.migrate(MIGRATIONS);
      CountDownLatch gate = new CountDownLatch(1);
      db.writer().write(c -> {
        try {
          gate.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return null;
      });
      CompletableFuture<Integer> a = db.writer().write(c -> insert(c, "dup"));
      CompletableFuture<Integer> b = db.writer().write(c -> insert(c, "dup"));
      CompletableFuture<Integer> c2 = db.writer().write(c -> insert(c, "other"));
      gate.countDown();
      assertThat(a.join()).isEqualTo(1);
      assertThat(b).failsWithin(5, TimeUnit.SECONDS);
      assertThat(c2.join()).isEqualTo(1);
      assertThat(db.read(DatabaseTest::count).join()).isEqualTo(2);
    }
  }

  @Test
  void closeWritesEverythingQueued() {
    List<CompletableFuture<Integer>> writes = new ArrayList<>();
    try (Database db = open()) {
      db.migrate(MIGRATIONS);
      for (int i = 0; i < 2000; i++) {
        String name = "q" + i;
        writes.add(db.writer().write(c -> insert(c, name)));
      }
    }
    assertThat(writes).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
    try (Database db = open()) {
      assertThat(db.read(DatabaseTest::count).join()).isEqualTo(2000);
    }
  }

  @Test
  void fullQueueRefusesInsteadOfBlocking() throws Exception {
    try (Database db = new Database(new Database.Settings(dir.resolve("small.db"), Synchronous.NORMAL, 1, 10, 100),
        new SimpleMeterRegistry())) {
      CountDownLatch gate = new CountDownLatch(1);
      db.writer().write(c -> {
        try {
          gate.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return null;
      });
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

  static int insert(java.sql.Connection c, String name) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO items (name) VALUES (?)")) {
      ps.setString(1, name);
      return ps.executeUpdate();
    }
  }

  static int count(java.sql.Connection c) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM items")) {
      rs.next();
      return rs.getInt(1);
    }
  }
}
