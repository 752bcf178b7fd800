package dev.parley.bench;

import dev.parley.core.testing.PostgresServer;
import dev.parley.core.testing.RedisServer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The flags that make Parley server processes nodes of one cluster on one PostgreSQL and one
 * Redis, each on loopback ports of its own (the cluster tests' helpers start the two servers).
 */
public final class ClusterNodes {
  private ClusterNodes() {}

  /** What every node shares: the cluster switch, Redis, and database {@code db} (which must exist). */
  public static List<String> shared(PostgresServer postgres, String db, RedisServer redis) {
    List<String> flags = new ArrayList<>(postgresOnly(postgres, db));
    flags.addAll(List.of("--cluster.enabled=true", "--cluster.redis.url=" + redis.url()));
    return flags;
  }

  /** A single server on PostgreSQL (database {@code db}), not clustered. */
  public static List<String> postgresOnly(PostgresServer postgres, String db) {
    return List.of("--store.postgres.url=" + postgres.jdbcUrl(db), "--store.postgres.user=" + PostgresServer.USER);
  }

  /**
   * Node {@code i}'s own id and ports: its MQTT and RTMP listeners on {@code mqtt} and {@code rtmp}
   * (0: any free port), TURN on ports the kernel picks.
   */
  public static List<String> own(int i, int mqtt, int rtmp) throws IOException {
    return List.of("--cluster.node-id=n" + i, "--mqtt.port=" + (mqtt == 0 ? ServerProcess.freePort() : mqtt),
        "--live.rtmp.port=" + (rtmp == 0 ? ServerProcess.freePort() : rtmp), "--rtc.turn.udp.port=0",
        "--rtc.turn.tcp.port=0");
  }
}
