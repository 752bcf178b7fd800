package dev.parley.core.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.core.config.ConfigException;
import dev.parley.core.store.CloseableStorage;
import dev.parley.core.store.StorageContract;
import dev.parley.core.store.StoreBackend;
import dev.parley.core.testing.PostgresServer;
import dev.parley.core.testing.StorageFixture;
import dev.parley.core.testing.TestKernel;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
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
