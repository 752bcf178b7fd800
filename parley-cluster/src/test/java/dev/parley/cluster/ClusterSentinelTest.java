package dev.parley.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static dev.parley.cluster.ClusterNodes.bus;
import static dev.parley.cluster.ClusterNodes.healthy;
import static dev.parley.cluster.ClusterNodes.ids;
import static dev.parley.cluster.ClusterNodes.node;
import static org.awaitility.Awaitility.await;

import dev.parley.core.testing.ManualTime;
import dev.parley.core.testing.RedisSentinel;
import dev.parley.core.testing.RedisServer;
import dev.parley.core.store.StoreBackend;
import dev.parley.core.testing.StorageFixture;
import dev.parley.core.testing.TestKernel;
import io.lettuce.core.RedisClient;
import io.lettuce.core.sentinel.api.StatefulRedisSentinelConnection;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Redis behind Sentinel (real processes: a master, its replica and one Sentinel): nodes given a
 * {@code redis-sentinel://} URL find the master through Sentinel, and when the master is killed
 * and Sentinel promotes the replica they follow it: they see each other again, their held entries
 * are written again into the new master and messages flow between them.
 */
class ClusterSentinelTest {
  private static final Duration HEARTBEAT = Duration.ofSeconds(2);
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

  @Test
  void nodesFollowTheMasterSentinelPromotesWhenTheOldOneIsKilled() {
    RedisServer master = opened(RedisServer.started());
    RedisServer replica = opened(RedisServer.replicaOf(master));
    replica.start();
    RedisSentinel sentinel = opened(new RedisSentinel(master));
    sentinel.start();
    RedisClient client = RedisClient.create("redis://127.0.0.1:" + sentinel.port());
    open.add(client::shutdown);
    StatefulRedisSentinelConnection<String, String> watch = opened(client.connectSentinel());
    // Sentinel learns of the replica from the master; only then can it fail over.
    await().atMost(Duration.ofSeconds(30)).until(() -> !watch.sync().replicas(RedisSentinel.MASTER).isEmpty());
    StorageFixture database = opened(StorageFixture.create(StoreBackend.POSTGRES));

    TestKernel a = opened(node(database, sentinel.url(), "node-a", HEARTBEAT, time).start());
    TestKernel b = opened(node(database, sentinel.url(), "node-b", HEARTBEAT, time).start());
    time.advance(HEARTBEAT);
    await().until(() -> ids(a).equals(List.of("node-a", "node-b")));
    bus(a).hold("k", "f", "v");
    await().until(() -> bus(b).heldElsewhere(List.of("k")).toCompletableFuture().join().containsKey("k"));

    AtomicInteger resumed = new AtomicInteger();
    bus(a).onResume(resumed::incrementAndGet);
    master.kill();
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      InetSocketAddress now = (InetSocketAddress) watch.sync().getMasterAddrByName(RedisSentinel.MASTER);
      return now.getPort() == replica.port();
    });

    // The nodes reconnect to the new master; their next heartbeats report them and write back what
    // they hold (the replica may not have had it all).
    await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
      time.advance(HEARTBEAT);
      return healthy(a) && healthy(b) && resumed.get() > 0 && ids(a).equals(List.of("node-a", "node-b"))
          && ids(b).equals(List.of("node-b", "node-a"))
          && bus(b).heldElsewhere(List.of("k")).toCompletableFuture().join().containsKey("k");
    });
    List<String> atB = new CopyOnWriteArrayList<>();
    bus(b).listen("t", (from, payload) -> atB.add(from + ":" + new String(payload, StandardCharsets.UTF_8)));
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      bus(a).send("node-b", "t", "after failover".getBytes(StandardCharsets.UTF_8));
      return !atB.isEmpty();
    });
    assertThat(atB).allMatch("node-a:after failover"::equals);
  }

}
