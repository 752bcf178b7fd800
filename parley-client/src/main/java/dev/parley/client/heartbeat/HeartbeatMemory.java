package dev.parley.client.heartbeat;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where {@link AdaptiveHeartbeat} keeps the interval it settled on for each network, so a phone
 * that comes back to a known Wi-Fi starts at the right interval instead of probing again.
 */
public interface HeartbeatMemory {
  /** The interval settled on for {@code networkId}, or null if none. */
  Long load(String networkId);

  /** Keeps the interval settled on for {@code networkId}. */
  void save(String networkId, long intervalMillis);

  /** Memory that lasts as long as the process. */
  static HeartbeatMemory inMemory() {
    Map<String, Long> map = new ConcurrentHashMap<>();
    return new HeartbeatMemory() {
      @Override
      public Long load(String networkId) {
        return map.get(networkId);
      }

      @Override
      public void save(String networkId, long intervalMillis) {
        map.put(networkId, intervalMillis);
      }
    };
  }
}
