package dev.parley.client;

/** Connection state changes, in order. */
@FunctionalInterface
public interface ConnectionListener {
  void onConnectionEvent(ConnectionEvent event);
}
