package dev.parley.client;

/** Where a {@link ParleyClient}'s connection stands. */
public enum ConnectionState {
  /** Not connected and not trying: before {@code connect()}, after logout, a kick, a refused login or {@code disconnect()}. */
  OFFLINE,
  /** Opening a connection and logging in. */
  CONNECTING,
  /** Logged in: messages flow. */
  ONLINE,
  /** The connection was lost; the next attempt is scheduled ({@link ConnectionEvent#retryInMillis()}). */
  WAITING
}
