package dev.parley.core.store;

/**
 * A {@link Storage} as the kernel holds it: the one who opened it closes it, after every module
 * has stopped. {@link #close} writes everything queued, then releases every connection.
 */
public interface CloseableStorage extends Storage, AutoCloseable {
  @Override
  void close();
}
