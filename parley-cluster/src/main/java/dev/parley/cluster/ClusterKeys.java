package dev.parley.cluster;

import dev.parley.core.config.ConfigKey;
import java.time.Duration;
import java.util.List;

/** The {@code cluster.*} keys (the node id, {@code cluster.node-id}, is one of the kernel's). */
final class ClusterKeys {
  private ClusterKeys() {}

  static final ConfigKey<Boolean> ENABLED = ConfigKey.bool("cluster.enabled", false,
      "Serve as one node of a cluster: nodes find each other through Redis (cluster.redis.url).");
  static final ConfigKey<String> REDIS_URL = ConfigKey.string("cluster.redis.url", "redis://127.0.0.1:6379",
      "Redis the nodes share: redis://[user:password@]host:port[/db] (rediss:// for TLS), or its master "
          + "through Sentinel: redis-sentinel://[password@]host:port[,host2:port2][/db]#master-name, or a Redis "
          + "Cluster by its seed nodes: redis-cluster://[password@]host:port[,host2:port2].");
  static final ConfigKey<Duration> REDIS_TIMEOUT = ConfigKey.duration("cluster.redis.timeout", Duration.ofSeconds(2),
      Duration.ofMillis(100), Duration.ofMinutes(1),
      "How long a Redis command may take before the node counts Redis as unreachable.");
  static final ConfigKey<Duration> HEARTBEAT = ConfigKey.duration("cluster.heartbeat-interval", Duration.ofSeconds(2),
      Duration.ofMillis(100), Duration.ofMinutes(1), "How often a node reports itself in Redis.");
  static final ConfigKey<Duration> NODE_TIMEOUT = ConfigKey.duration("cluster.node-timeout", Duration.ofSeconds(10),
      Duration.ofMillis(500), Duration.ofMinutes(10),
      "A node not heard of for this long counts as gone (and its entry is removed); several heartbeats.");

  static List<ConfigKey<?>> all() {
    return List.of(ENABLED, REDIS_URL, REDIS_TIMEOUT, HEARTBEAT, NODE_TIMEOUT);
  }
}
