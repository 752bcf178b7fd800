package dev.parley.cluster.redis;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.core.cluster.Cluster;
import dev.parley.core.cluster.NodeInfo;
import dev.parley.core.http.Json;
import dev.parley.core.time.TimeSource;
import io.lettuce.core.RedisException;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node registry: every node writes its report into one Redis hash ({@value #KEY}, field =
 * node id) each heartbeat and reads the others back. A node not heard of for the node timeout
 * (by this node's clock against the report's {@code lastSeen}) is gone: it leaves the view and
 * whoever sees it first removes its entry. A node that stops cleanly removes its own.
 *
 * <p>{@link #beat()} runs on the module's one cluster thread; the view is read from any thread
 * without touching Redis. When a beat fails the node is unhealthy until one succeeds again, and
 * its view keeps the others it last heard of until they time out.
 */
public final class RedisNodes implements Cluster {
  /** The hash of node reports. */
  public static final String KEY = "parley:cluster:nodes";
  private static final Logger log = LoggerFactory.getLogger(RedisNodes.class);

  private final RedisClusterCommands<String, String> redis;
  private final String nodeId;
  private final Supplier<NodeInfo> self;
  private final Duration timeout;
  private final TimeSource time;
  private volatile List<NodeInfo> others = List.of();
  private volatile boolean healthy = true;
  private volatile long failures;

  /**
   * @param redis commands on a connection that fails fast while Redis is away
   * @param self this node's report, built when asked
   */
  public RedisNodes(RedisClusterCommands<String, String> redis, String nodeId, Supplier<NodeInfo> self, Duration timeout,
      TimeSource time) {
    this.redis = redis;
    this.nodeId = nodeId;
    this.self = self;
    this.timeout = timeout;
    this.time = time;
  }

  /**
   * Reports this node and reads the others; a Redis failure makes the node unhealthy, nothing more.
   * Answers the nodes this beat found gone and removed (their held entries are for the caller to
   * remove).
   */
  public List<String> beat() {
    try {
      redis.hset(KEY, nodeId, encode(self.get()));
      Instant now = time.now();
      List<NodeInfo> seen = new ArrayList<>();
      List<String> gone = new ArrayList<>();
      for (Map.Entry<String, String> e : redis.hgetall(KEY).entrySet()) {
        NodeInfo n = decode(e.getKey(), e.getValue());
        if (n == null || n.lastSeen().plus(timeout).isBefore(now)) {
          gone.add(e.getKey());
        } else if (!n.id().equals(nodeId)) {
          seen.add(n);
        }
      }
      if (!gone.isEmpty()) {
        redis.hdel(KEY, gone.toArray(String[]::new));
        log.info("cluster: node(s) {} not heard of for {} s, removed", gone, timeout.toSeconds());
      }
      seen.sort(Comparator.comparing(NodeInfo::id));
      others = List.copyOf(seen);
      if (!healthy) {
        log.info("cluster: Redis reachable again; {} other node(s)", seen.size());
      }
      healthy = true;
      return gone;
    } catch (RedisException e) {
      failures++;
      if (healthy) {
        log.warn("cluster: Redis unreachable ({}); serving this node's clients only until it returns",
            e.getMessage());
      }
      healthy = false;
      return List.of();
    }
  }

  /** Removes this node's entry (a clean stop); a failure is only logged, the entry then times out. */
  public void leave() {
    try {
      redis.hdel(KEY, nodeId);
    } catch (RedisException e) {
      log.warn("cluster: could not remove this node from Redis ({}); it times out instead", e.getMessage());
    }
  }

  @Override
  public String nodeId() {
    return nodeId;
  }

  @Override
  public List<NodeInfo> nodes() {
    List<NodeInfo> out = new ArrayList<>();
    out.add(self.get());
    Instant now = time.now();
    for (NodeInfo n : others) {
      if (!n.lastSeen().plus(timeout).isBefore(now)) {
        out.add(n);
      }
    }
    return out;
  }

  @Override
  public boolean healthy() {
    return healthy;
  }

  /** Heartbeats that could not reach Redis. */
  public long failures() {
    return failures;
  }

  /** A report as stored in Redis (JSON). */
  public static String encode(NodeInfo n) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", n.id());
    m.put("host", n.host());
    m.put("httpPort", n.httpPort());
    m.put("startedAt", n.startedAt().toEpochMilli());
    m.put("lastSeen", n.lastSeen().toEpochMilli());
    m.put("connections", n.connections());
    m.put("status", n.status());
    return new String(Json.bytes(m), StandardCharsets.UTF_8);
  }

  /** A report read back, or null when it is not one (written by something else: removed as gone). */
  static NodeInfo decode(String id, String json) {
    try {
      JsonNode j = Json.parse(json.getBytes(StandardCharsets.UTF_8));
      if (!id.equals(j.path("id").asText()) || !j.path("lastSeen").canConvertToLong()) {
        return null;
      }
      Map<String, Integer> connections = new LinkedHashMap<>();
      j.path("connections").fields().forEachRemaining(e -> connections.put(e.getKey(), e.getValue().asInt()));
      return new NodeInfo(id, j.path("host").asText(""), j.path("httpPort").asInt(-1),
          Instant.ofEpochMilli(j.path("startedAt").asLong()), Instant.ofEpochMilli(j.path("lastSeen").asLong()),
          connections, j.path("status").asText("ok"));
    } catch (RuntimeException e) {
      return null;
    }
  }
}
