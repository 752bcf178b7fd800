package dev.parley.client.heartbeat;

/** A heartbeat after the same silence every time. */
final class FixedHeartbeat implements HeartbeatPolicy {
  private final long interval;

  FixedHeartbeat(long intervalMillis) {
    if (intervalMillis <= 0) {
      throw new IllegalArgumentException("heartbeat interval must be positive");
    }
    this.interval = intervalMillis;
  }

  @Override
  public long intervalMillis() {
    return interval;
  }

  @Override
  public String toString() {
    return "fixed heartbeat every " + interval + " ms";
  }
}
