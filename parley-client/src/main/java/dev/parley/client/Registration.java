package dev.parley.client;

/** A listener added to a client; {@link #remove()} takes it away. */
@FunctionalInterface
public interface Registration extends AutoCloseable {
  void remove();

  @Override
  default void close() {
    remove();
  }
}
