package dev.parley.client.heartbeat;

import java.time.Duration;

/**
 * Decides how long the client stays silent before it sends a heartbeat, and learns from the
 * outcome. The client sends a heartbeat (an empty frame) after {@link #intervalMillis()} without
 * writing anything, never later than the server's ceiling from {@code LoginOk}; the server answers
 * it. An answered heartbeat is reported to {@link #onHeartbeatAnswered}; one left unanswered
 * past the heartbeat timeout means the link is dead: it is reported to {@link #onHeartbeatLost}
 * and the client reconnects.
 *
 * <p>Called on the client's I/O thread; implementations must not block.
 */
public interface HeartbeatPolicy {
  /** The same interval always (capped by the server's ceiling). */
  static HeartbeatPolicy fixed(Duration interval) {
    return new FixedHeartbeat(interval.toMillis());
  }

  /** WeChat-style smart heartbeat; see {@link AdaptiveHeartbeat}. */
  static AdaptiveHeartbeat.Builder adaptive() {
    return AdaptiveHeartbeat.builder();
  }

  /** Milliseconds of silence after which to send a heartbeat. */
  long intervalMillis();

  /** After each login: the longest interval the server allows ({@code max_heartbeat_interval_ms}). */
  default void onLogin(long serverMaxMillis) {}

  /** A heartbeat sent after {@code idleMillis} of silence was answered. */
  default void onHeartbeatAnswered(long idleMillis) {}

  /** A heartbeat sent after {@code idleMillis} of silence got no answer: the link died. */
  default void onHeartbeatLost(long idleMillis) {}

  /** The app moved to another network (an id it chooses: SSID, carrier, "wifi", "cell"). */
  default void onNetworkChanged(String networkId) {}

  /** The app came to the foreground ({@code true}) or went to the background. */
  default void onForeground(boolean foreground) {}
}
