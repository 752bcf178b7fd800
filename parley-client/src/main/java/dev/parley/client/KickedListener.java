package dev.parley.client;

import dev.parley.protocol.im.Kicked;

/**
 * The server ended this session (another login replaced it, an administrator, an expired token).
 * The client is offline and does not reconnect by itself; the app decides ({@code connect()}).
 */
@FunctionalInterface
public interface KickedListener {
  /** The reason and the server's message. */
  void onKicked(Kicked kicked);
}
