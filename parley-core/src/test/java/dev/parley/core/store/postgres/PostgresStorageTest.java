package dev.parley.core.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.parley.core.config.ConfigException;
import dev.parley.core.store.CloseableStorage;
import dev.parley.core.store.StorageContract;
import dev.parley.core.store.StoreBackend;
import dev.parley.core.store.jdbc.Migration;
import dev.parley.core.testing.PostgresServer;
import dev.parley.core.testing.StorageFixture;
import dev.parley.core.testing.TestKernel;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The storage contract on a real PostgreSQL server, and what is PostgreSQL's own: reaching it. */
class PostgresStorageTest extends StorageContract {
  @Override
  protected StoreBackend backend() {
    return StoreBackend.POSTGRES;
  }

  @Test
  void writesAreInTheServerForEveryOtherConnection() throws Exception {
    try (CloseableStorage db = open()) {
      db.migrate("t", migrations());
      db.writer().write(c -> insert(c, "seen")).join();
    }
    // Not through Parley: a plain connection of another client sees the committed row.
    try (Connection c = DriverManager.getConnection(StorageFixture.server().jdbcUrl(database()), PostgresServer.USER,
        null); Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT name FROM items")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("seen");
    }
  }

  @Test
  void twoNodesMigratingOneEmptyDatabaseAtOnceApplyEachStepOnce() throws Exception {
    // Step 1 waits for a lock this test holds, so both nodes are mid-migration together: without
    // the migration lock both would have read "nothing applied" and both run step 1.
    long gate = 4242;
    List<Migration> steps = List.of(
        new Migration(1, "items", List.of("SELECT pg_advisory_xact_lock_shared(" + gate + ")",
            "CREATE TABLE items (id " + idColumn() + ", name TEXT NOT NULL UNIQUE)")),
        new Migration(2, "items.note", List.of("ALTER TABLE items ADD COLUMN note TEXT")));
    try (Connection test = plainConnection(); CloseableStorage a = open(); CloseableStorage b = open()) {
      advisory(test, "pg_advisory_lock", gate);
      CompletableFuture<Void> first = CompletableFuture.runAsync(() -> a.migrate("t", steps));
      CompletableFuture<Void> second = CompletableFuture.runAsync(() -> b.migrate("t", steps));
      // One node waits in step 1 for the gate, the other for the migration lock (without it: both at the gate).
      await().atMost(Duration.ofSeconds(10)).until(() -> waitingAdvisoryLocks(test) == 2);
      advisory(test, "pg_advisory_unlock", gate);
      CompletableFuture.allOf(first, second).get(30, TimeUnit.SECONDS);
      assertThat(a.read(c -> versions(c, "t")).join()).containsExactly(1, 2);
      b.writer().write(c -> insert(c, "migrated once")).join();
      assertThat(a.read(c -> count(c)).join()).isEqualTo(1);
    }
  }

  @Test
  void aServerThatIsNotThereFailsTheOpenNamingTheUrl() throws Exception {
    String url = "jdbc:postgresql://127.0.0.1:" + closedPort() + "/parley?password=hunter2";
    assertThatThrownBy(() -> new PostgresStorage(new PostgresStorage.Settings(url, "parley", null, 2, 10, 100),
        new SimpleMeterRegistry(), time.clock()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("cannot connect to PostgreSQL at jdbc:postgresql://127.0.0.1:")
        .hasMessageContaining("password=***")
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void aKernelPointedAtNoServerRefusesToStartWithAClearMessage() throws Exception {
    String url = "jdbc:postgresql://127.0.0.1:" + closedPort() + "/parley";
    assertThatThrownBy(() -> TestKernel.builder(List::of).set("store.postgres.url", url).start())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("store.postgres.url: cannot connect to PostgreSQL at " + url);
  }

  @Test
  void aUrlOfAnotherDatabaseIsRefused() {
    assertThatThrownBy(() -> new PostgresStorage(new PostgresStorage.Settings("jdbc:mysql://x/y", null, null, 1, 1, 100),
        new SimpleMeterRegistry(), time.clock()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a jdbc:postgresql: URL");
  }

  private Connection plainConnection() throws SQLException {
    return DriverManager.getConnection(StorageFixture.server().jdbcUrl(database()), PostgresServer.USER, null);
  }

  private static void advisory(Connection c, String function, long key) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT " + function + "(?)")) {
      ps.setLong(1, key);
      ps.executeQuery().close();
    }
  }

  private static int waitingAdvisoryLocks(Connection c) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
        "SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  private String database() {
    String url = fixture.kernelConfig().get("store.postgres.url");
    return url.substring(url.lastIndexOf('/') + 1);
  }

  private static int closedPort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
