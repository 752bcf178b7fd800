package dev.parley.cluster;

import dev.parley.core.cluster.NodeBus;
import dev.parley.core.testing.HttpTestClient;
import dev.parley.core.testing.StorageFixture;
import dev.parley.core.testing.TestKernel;
import dev.parley.core.time.TimeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Cluster nodes for the tests against real Redis setups (Sentinel, Redis Cluster), and what to ask them. */
final class ClusterNodes {
  private ClusterNodes() {}

  /** A node (not started) on {@code database}, reaching Redis through {@code redisUrl}. */
  static TestKernel.Builder node(StorageFixture database, String redisUrl, String id, Duration heartbeat,
      TimeSource time) {
    TestKernel.Builder b = TestKernel.builder(() -> List.of(new ClusterModule())).set("cluster.enabled", "true");
    database.kernelConfig().forEach(b::set);
    return b.set("cluster.redis.url", redisUrl)
        .set("cluster.node-id", id)
        .set("cluster.heartbeat-interval", heartbeat.toMillis() + "ms")
        .set("cluster.node-timeout", "30s")
        .time(time);
  }

  /** The node ids {@code GET /api/v1/cluster} lists on {@code k}. */
  static List<String> ids(TestKernel k) {
    List<String> ids = new ArrayList<>();
    new HttpTestClient(k.httpBase()).admin("GET", "/api/v1/cluster", null).json().path("nodes")
        .forEach(n -> ids.add(n.path("id").asText()));
    return ids;
  }

  static NodeBus bus(TestKernel k) {
    return k.kernel().context().services().first(NodeBus.class).orElseThrow();
  }

  /** Whether {@code /healthz} says ok (Redis reached). */
  static boolean healthy(TestKernel k) {
    return "ok".equals(new HttpTestClient(k.httpBase()).get("/healthz", null).json().path("status").asText());
  }
}
