package dev.parley.cluster;

import dev.parley.cluster.redis.RedisLinks;
import dev.parley.core.config.ConfigException;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.resource.ClientResources;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The connections to the Redis {@code cluster.redis.url} names: a standalone Redis
 * ({@code redis://}, {@code rediss://}), its master through Sentinel ({@code redis-sentinel://}),
 * or a Redis Cluster ({@code redis-cluster://[password@]host:port[,host:port...]}, the seed nodes;
 * the client learns the rest of the topology from them and follows failovers). A command fails at
 * once while a standalone Redis is away (within {@code cluster.redis.timeout} in a Redis Cluster),
 * and the client reconnects by itself.
 */
final class RedisConnections implements AutoCloseable {
  static final String CLUSTER_SCHEME = "redis-cluster://";
  /** How often a Redis Cluster client asks for the topology, besides when a redirect or a failure tells it to. */
  private static final Duration TOPOLOGY_REFRESH = Duration.ofSeconds(5);

  final RedisLinks links;
  /** Where Redis is, for messages. */
  final String where;
  private final AbstractRedisClient client;

  private RedisConnections(RedisLinks links, String where, AbstractRedisClient client) {
    this.links = links;
    this.where = where;
    this.client = client;
  }

  /** Connects; a URL that cannot be read or a Redis that cannot be reached is a {@link ConfigException}. */
  static RedisConnections open(String url, Duration timeout, ClientResources resources) {
    return url.startsWith(CLUSTER_SCHEME) ? cluster(url, timeout, resources) : single(url, timeout, resources);
  }

  private static RedisConnections single(String url, Duration timeout, ClientResources resources) {
    RedisURI uri = parse(url);
    uri.setTimeout(timeout);
    RedisClient client = RedisClient.create(resources, uri);
    client.setOptions(ClientOptions.builder().autoReconnect(true)
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .timeoutOptions(TimeoutOptions.enabled(timeout)).build());
    return connect(client, where(uri), () -> RedisLinks.of(client.connectPubSub(ByteArrayCodec.INSTANCE),
        client.connect(ByteArrayCodec.INSTANCE), client.connect()));
  }

  private static RedisConnections cluster(String url, Duration timeout, ClientResources resources) {
    String rest = url.substring(CLUSTER_SCHEME.length());
    int at = rest.lastIndexOf('@');
    String auth = at < 0 ? "" : rest.substring(0, at + 1);
    List<RedisURI> seeds = new ArrayList<>();
    for (String hostPort : rest.substring(at + 1).split(",")) {
      if (hostPort.isBlank() || hostPort.contains("/") || hostPort.contains("#")) {
        throw new ConfigException("cluster.redis.url: a Redis Cluster URL lists host:port seeds: " + url);
      }
      RedisURI seed = parse("redis://" + auth + hostPort.strip());
      seed.setTimeout(timeout);
      seeds.add(seed);
    }
    RedisClusterClient client = RedisClusterClient.create(resources, seeds);
    // Commands wait (up to the timeout) for a node connection still being made: the client opens
    // one per shard when it first needs it, also after a failover, and would otherwise refuse them.
    client.setOptions(ClusterClientOptions.builder().autoReconnect(true)
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.ACCEPT_COMMANDS)
        .timeoutOptions(TimeoutOptions.enabled(timeout))
        .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder().enablePeriodicRefresh(TOPOLOGY_REFRESH)
            .enableAllAdaptiveRefreshTriggers().build())
        .build());
    String where = "Redis Cluster " + seeds.stream().map(s -> s.getHost() + ":" + s.getPort())
        .collect(Collectors.joining(","));
    return connect(client, where, () -> RedisLinks.of(client.connectPubSub(ByteArrayCodec.INSTANCE),
        client.connect(ByteArrayCodec.INSTANCE), client.connect()));
  }

  private static RedisConnections connect(AbstractRedisClient client, String where, Supplier<RedisLinks> links) {
    try {
      return new RedisConnections(links.get(), where, client);
    } catch (RuntimeException e) {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
      throw new ConfigException("cluster.redis.url: cannot reach Redis at " + where + " (" + e.getMessage() + ")");
    }
  }

  private static RedisURI parse(String url) {
    try {
      return RedisURI.create(url);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("cluster.redis.url: " + e.getMessage());
    }
  }

  /** Where Redis is, for messages: host:port, or the Sentinel master's name and the Sentinels. */
  private static String where(RedisURI uri) {
    if (uri.getSentinels().isEmpty()) {
      return uri.getHost() + ":" + uri.getPort();
    }
    StringBuilder b = new StringBuilder("master ").append(uri.getSentinelMasterId()).append(" of Sentinel ");
    for (int i = 0; i < uri.getSentinels().size(); i++) {
      RedisURI s = uri.getSentinels().get(i);
      b.append(i == 0 ? "" : ",").append(s.getHost()).append(':').append(s.getPort());
    }
    return b.toString();
  }

  @Override
  public void close() {
    links.close();
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
  }
}
