package dev.parley.core.testing;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A real Redis Cluster on loopback: three masters and a replica of each (six {@code redis-server}
 * processes on ephemeral ports, each with its own directory), joined by {@code redis-cli --cluster
 * create}. Close it after.
 */
public final class RedisCluster implements AutoCloseable {
  private final List<RedisServer> servers = new ArrayList<>();

  /** Starts the six servers and joins them; returns once every slot is served. */
  public static RedisCluster started() {
    RedisCluster c = new RedisCluster();
    try {
      for (int i = 0; i < 6; i++) {
        RedisServer s = RedisServer.clusterNode();
        c.servers.add(s);
        s.start();
      }
      List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
      c.servers.forEach(s -> create.add("127.0.0.1:" + s.port()));
      create.addAll(List.of("--cluster-replicas", "1", "--cluster-yes"));
      ExternalServer.run(create);
      ExternalServer.run(List.of("redis-cli", "--cluster", "check", "127.0.0.1:" + c.servers.get(0).port()));
      // A replica still copying its master's data cannot take over from it: wait until each has.
      await().atMost(Duration.ofSeconds(60)).until(() -> c.servers.stream()
          .filter(s -> ExternalServer.output(List.of("redis-cli", "-p", Integer.toString(s.port()), "info", "replication"))
              .contains("master_link_status:up")).count() == 3);
      return c;
    } catch (RuntimeException e) {
      c.close();
      throw e;
    }
  }

  /** The seed nodes as Parley's {@code cluster.redis.url} names them. */
  public String url() {
    return "redis-cluster://" + servers.stream().limit(3).map(s -> "127.0.0.1:" + s.port())
        .collect(Collectors.joining(","));
  }

  /** The six servers, in the order they were created (the first three were made masters). */
  public List<RedisServer> servers() {
    return List.copyOf(servers);
  }

  /** The server on {@code port}. */
  public RedisServer on(int port) {
    return servers.stream().filter(s -> s.port() == port).findFirst().orElseThrow();
  }

  @Override
  public void close() {
    servers.forEach(RedisServer::close);
  }
}
