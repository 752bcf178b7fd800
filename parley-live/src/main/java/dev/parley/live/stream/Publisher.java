package dev.parley.live.stream;

/** The source of a stream (an RTMP connection), as the stream sees it. */
public interface Publisher {
  /** The publisher's address, for stats and hooks ("203.0.113.5:51234"). */
  String remoteAddress();

  /** When the publisher last sent media (the hub's {@code TimeSource#nanoTime()}), for idle takeover. */
  long lastMediaNanos();

  /** Ends this publisher's session: another publisher took the stream over. Any thread. */
  void kick(String reason);

  /** Whether this publisher relays a stream another node publishes (an edge pull), not a source of its own. */
  default boolean edge() {
    return false;
  }
}
