package dev.parley.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static dev.parley.cluster.ClusterNodes.bus;
import static dev.parley.cluster.ClusterNodes.healthy;
import static dev.parley.cluster.ClusterNodes.ids;
import static dev.parley.cluster.ClusterNodes.node;
import static org.awaitility.Awaitility.await;

import dev.parley.core.config.ConfigException;
import dev.parley.core.store.StoreBackend;
import dev.parley.core.testing.ManualTime;
import dev.parley.core.testing.RedisCluster;
import dev.parley.core.testing.RedisServer;
import dev.parley.core.testing.StorageFixture;
import dev.parley.core.testing.TestKernel;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A real Redis Cluster (three masters, a replica each): nodes given a {@code redis-cluster://} URL
 * find each other, hold and look up entries (whose keys share one hash slot) and send messages;
 * when the master serving that slot is killed and its replica takes over, they go on.
 */
class ClusterRedisClusterTest {
  private static final Duration HEARTBEAT = Duration.ofSeconds(2);
  private static final Duration FAILOVER = Duration.ofSeconds(60);
  private final ManualTime time = new ManualTime();
  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  private <T extends AutoCloseable> T opened(T c) {
    open.add(c);
    return c;
  }

  /** The master serving the hash slot of the bus's keys. */
  private static int masterOfTheBusSlot(RedisClusterClient watch) {
    watch.refreshPartitions();
    RedisClusterNode n = watch.getPartitions().getMasterBySlot(SlotHash.getSlot("{parley}:held:k"));
    return n.getUri().getPort();
  }

  @Test
  void nodesWorkOnARedisCluster_andGoOnWhenTheMasterOfTheBusSlotFailsOver() {
    RedisCluster redis = opened(RedisCluster.started());
    RedisClusterClient client = RedisClusterClient.create(RedisURI.create("redis://127.0.0.1:"
        + redis.servers().get(0).port()));
    open.add(client::shutdown);
    opened(client.connect());
    StorageFixture database = opened(StorageFixture.create(StoreBackend.POSTGRES));

    TestKernel a = opened(node(database, redis.url(), "node-a", HEARTBEAT, time).start());
    TestKernel b = opened(node(database, redis.url(), "node-b", HEARTBEAT, time).start());
    time.advance(HEARTBEAT);
    await().until(() -> ids(a).equals(List.of("node-a", "node-b")));
    bus(a).hold("k", "f", "v");
    await().until(() -> bus(b).heldElsewhere(List.of("k")).toCompletableFuture().join().containsKey("k"));
    assertThat(bus(b).claim("k", "f", "mine").toCompletableFuture().join().node()).isEqualTo("node-a");
    List<String> atB = new CopyOnWriteArrayList<>();
    bus(b).listen("t", (from, payload) -> atB.add(from + ":" + new String(payload, StandardCharsets.UTF_8)));
    bus(a).send("node-b", "t", "before".getBytes(StandardCharsets.UTF_8));
    await().until(() -> atB.contains("node-a:before"));

    RedisServer master = redis.on(masterOfTheBusSlot(client));
    master.kill();
    await().atMost(FAILOVER).ignoreExceptions().until(() -> masterOfTheBusSlot(client) != master.port());

    await().atMost(FAILOVER).ignoreExceptions().until(() -> {
      time.advance(HEARTBEAT);
      return healthy(a) && healthy(b) && ids(a).equals(List.of("node-a", "node-b"))
          && bus(b).heldElsewhere(List.of("k")).toCompletableFuture().join().containsKey("k");
    });
    await().atMost(FAILOVER).until(() -> {
      bus(a).send("node-b", "t", "after failover".getBytes(StandardCharsets.UTF_8));
      return atB.contains("node-a:after failover");
    });
  }

  @Test
  void aRedisClusterUrlNamesHostPortSeedsOnly() {
    StorageFixture database = opened(StorageFixture.create(StoreBackend.POSTGRES));
    assertThatThrownBy(() -> opened(node(database, "redis-cluster://127.0.0.1:1/0", "node-x", HEARTBEAT, time).start()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("host:port seeds");
  }
}
