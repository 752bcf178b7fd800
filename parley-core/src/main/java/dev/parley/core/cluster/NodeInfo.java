package dev.parley.core.cluster;

import java.time.Instant;
import java.util.Map;

/**
 * What a node reports of itself.
 *
 * @param id the node id ({@code cluster.node-id})
 * @param host the host name the node runs on
 * @param httpPort its bound HTTP port, or -1 when HTTP is off
 * @param startedAt when it started
 * @param lastSeen when it last reported (its own clock)
 * @param connections open connections per listener name
 * @param status {@code ok}, {@code draining} or {@code degraded}
 */
public record NodeInfo(String id, String host, int httpPort, Instant startedAt, Instant lastSeen,
    Map<String, Integer> connections, String status) {
  public NodeInfo {
    connections = Map.copyOf(connections);
  }

  /** Its connections over every listener. */
  public int totalConnections() {
    return connections.values().stream().mapToInt(Integer::intValue).sum();
  }
}
