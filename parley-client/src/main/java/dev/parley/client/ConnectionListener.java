package dev.parley.client;

/** Connection state changes, in order. */
@FunctionalInterface
public interface ConnectionListener {
  /** The new state and why. */
  void onConnectionEvent(ConnectionEvent event);
}
