package dev.parley.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.cluster.redis.RedisNodes;
import dev.parley.core.cluster.NodeBus;
import dev.parley.core.cluster.NodeInfo;
import dev.parley.core.config.ConfigException;
import dev.parley.core.testing.HttpTestClient;
import dev.parley.core.testing.ManualTime;
import dev.parley.core.store.StoreBackend;
import dev.parley.core.testing.RedisServer;
import dev.parley.core.testing.StorageFixture;
import dev.parley.core.testing.TestKernel;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Nodes on a real Redis (Debian's redis-server, its own process on an ephemeral port): they see
 * each other in {@code /api/v1/cluster}, a node that stops leaves, a node not heard of for the
 * node timeout (by the injected clock) is dropped, and a node that loses Redis says degraded and
 * recovers when it returns.
 */
class ClusterModuleTest {
  private static final Duration HEARTBEAT = Duration.ofSeconds(2);
  private static RedisServer redis;
  private static StorageFixture database;
  private static RedisClient client;
  private static StatefulRedisConnection<String, String> connection;
  private final ManualTime time = new ManualTime();
  private final List<TestKernel> kernels = new ArrayList<>();

  @BeforeAll
  static void redis() {
    redis = RedisServer.started();
    database = StorageFixture.create(StoreBackend.POSTGRES);
    client = RedisClient.create(redis.url());
    connection = client.connect();
  }

  @AfterAll
  static void stopRedis() {
    connection.close();
    client.shutdown();
    redis.close();
    database.close();
  }

  @BeforeEach
  void empty() {
    redis.start();
    commands().flushall();
  }

  @AfterEach
  void close() {
    kernels.forEach(TestKernel::close);
  }

  private static RedisCommands<String, String> commands() {
    return connection.sync();
  }

  private static TestKernel.Builder clustered() {
    TestKernel.Builder b = TestKernel.builder(() -> List.of(new ClusterModule())).set("cluster.enabled", "true");
    database.kernelConfig().forEach(b::set);
    return b;
  }

  private TestKernel node(String id) {
    TestKernel k = clustered()
        .set("cluster.redis.url", redis.url())
        .set("cluster.node-id", id)
        .set("cluster.heartbeat-interval", HEARTBEAT.toMillis() + "ms")
        .set("cluster.node-timeout", "6s")
        .time(time)
        .start();
    kernels.add(k);
    return k;
  }

  private static JsonNode cluster(TestKernel k) {
    HttpTestClient.Response r = new HttpTestClient(k.httpBase()).admin("GET", "/api/v1/cluster", null);
    assertThat(r.status()).isEqualTo(200);
    return r.json();
  }

  private static List<String> ids(TestKernel k) {
    List<String> ids = new ArrayList<>();
    cluster(k).path("nodes").forEach(n -> ids.add(n.path("id").asText()));
    return ids;
  }

  @Test
  void nodesSharingRedisSeeEachOther_andANodeThatStopsLeaves() {
    TestKernel a = node("node-a");
    TestKernel b = node("node-b");
    // b read a at its first beat; a reads b at its next one.
    assertThat(ids(b)).containsExactly("node-b", "node-a");
    time.advance(HEARTBEAT);
    await().until(() -> ids(a).equals(List.of("node-a", "node-b")));

    JsonNode self = cluster(a).path("nodes").get(0);
    assertThat(cluster(a).path("nodeId").asText()).isEqualTo("node-a");
    assertThat(cluster(a).path("healthy").asBoolean()).isTrue();
    assertThat(self.path("status").asText()).isEqualTo("ok");
    assertThat(self.path("httpPort").asInt()).isEqualTo(a.httpPort());
    // The request itself is an open HTTP connection of node a.
    assertThat(self.path("listeners").path("http").asInt()).isPositive();
    assertThat(self.path("connections").asInt()).isEqualTo(self.path("listeners").path("http").asInt());
    // A node's first report is written before its listeners bind (port -1); the next has the port.
    await().until(() -> {
      time.advance(HEARTBEAT);
      return cluster(a).path("nodes").get(1).path("httpPort").asInt() == b.httpPort();
    });
    assertThat(new HttpTestClient(a.httpBase()).get("/metrics", null).body())
        .contains("parley_cluster_nodes 2.0", "parley_cluster_redis_up 1.0");

    b.stop();
    assertThat(commands().hkeys(RedisNodes.KEY)).containsExactly("node-a");
    time.advance(HEARTBEAT);
    await().until(() -> ids(a).equals(List.of("node-a")));
  }

  @Test
  void aNodeNotHeardOfForTheTimeoutIsDroppedAndItsEntryRemoved() {
    // What a node killed with SIGKILL leaves behind: its last report, never refreshed.
    NodeInfo dead = new NodeInfo("node-dead", "elsewhere", 8080, time.now(), time.now(), Map.of("im-tcp", 3), "ok");
    commands().hset(RedisNodes.KEY, "node-dead", RedisNodes.encode(dead));
    // ... and what it held on the bus (a session of user ann).
    commands().hset("{parley}:held:im:u:ann", "node-dead/s1", "v");
    commands().sadd("{parley}:holds:node-dead", "im:u:ann\u0000s1");
    TestKernel a = node("node-a");
    NodeBus bus = a.kernel().context().services().first(NodeBus.class).orElseThrow();
    assertThat(bus.nodeId()).isEqualTo("node-a");
    assertThat(bus.heldElsewhere(List.of("im:u:ann")).toCompletableFuture().join()).containsKey("im:u:ann");
    assertThat(ids(a)).containsExactly("node-a", "node-dead");
    assertThat(cluster(a).path("nodes").get(1).path("connections").asInt()).isEqualTo(3);

    time.advance(Duration.ofSeconds(6));
    await().until(() -> ids(a).equals(List.of("node-a", "node-dead")));
    time.advance(HEARTBEAT);
    await().until(() -> ids(a).equals(List.of("node-a")));
    await().until(() -> !commands().hexists(RedisNodes.KEY, "node-dead"));
    await().until(() -> commands().exists("{parley}:held:im:u:ann", "{parley}:holds:node-dead") == 0);
    assertThat(commands().hexists(RedisNodes.KEY, "node-a")).isTrue();
  }

  @Test
  void aReportThatIsNotOneIsRemoved() {
    commands().hset(RedisNodes.KEY, "junk", "{not json");
    node("node-a");
    assertThat(commands().hkeys(RedisNodes.KEY)).containsExactly("node-a");
  }

  @Test
  void withoutRedisTheNodeSaysDegradedAndKeepsServing_thenRecovers() {
    TestKernel a = node("node-a");
    HttpTestClient http = new HttpTestClient(a.httpBase());
    assertThat(http.get("/healthz", null).json().path("status").asText()).isEqualTo("ok");

    redis.stop();
    time.advance(HEARTBEAT);
    await().until(() -> "degraded".equals(http.get("/healthz", null).json().path("status").asText()));
    assertThat(http.get("/healthz", null).status()).isEqualTo(200);
    assertThat(cluster(a).path("healthy").asBoolean()).isFalse();
    assertThat(ids(a)).containsExactly("node-a");
    assertThat(http.get("/metrics", null).body()).contains("parley_cluster_redis_up 0.0");

    // Redis comes back empty (no persistence): the next beats find it and report the node again.
    redis.start();
    await().until(() -> {
      time.advance(HEARTBEAT);
      return "ok".equals(http.get("/healthz", null).json().path("status").asText());
    });
    assertThat(commands().hexists(RedisNodes.KEY, "node-a")).isTrue();
    assertThat(http.get("/metrics", null).body()).contains("parley_cluster_redis_up 1.0");
  }

  @Test
  void aNodeThatCannotReachRedisDoesNotStart() throws IOException {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    assertThatThrownBy(() -> clustered()
        .set("cluster.redis.url", "redis://127.0.0.1:" + closed)
        .set("cluster.redis.timeout", "500ms")
        .time(time)
        .start())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("cluster.redis.url: cannot reach Redis at 127.0.0.1:" + closed);
  }

  @Test
  void aClusterNeedsPostgres() {
    assertThatThrownBy(() -> TestKernel.builder(() -> List.of(new ClusterModule()))
        .set("cluster.enabled", "true")
        .set("cluster.redis.url", redis.url())
        .time(time)
        .start())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("cluster.enabled needs store.postgres.url");
    assertThat(commands().hlen(RedisNodes.KEY)).isZero();
  }

  @Test
  void offByDefault_theServerIsAClusterOfOne() {
    TestKernel k = TestKernel.builder(() -> List.of(new ClusterModule())).time(time).start();
    kernels.add(k);
    assertThat(ids(k)).containsExactly(k.kernel().context().nodeId());
    assertThat(k.kernel().context().services().first(NodeBus.class)).isEmpty();
    assertThat(commands().hlen(RedisNodes.KEY)).isZero();
  }
}
