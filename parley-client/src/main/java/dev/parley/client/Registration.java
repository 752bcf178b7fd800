package dev.parley.client;

/** A listener added to a client; {@link #remove()} takes it away. */
@FunctionalInterface
public interface Registration extends AutoCloseable {
  /** Removes the listener; later events do not reach it. */
  void remove();

  @Override
  default void close() {
    remove();
  }
}
