package dev.parley.core.store.jdbc;

/** The store's queue is full; the caller should refuse the request and let the client retry. */
public final class StoreOverloadedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StoreOverloadedException(String message) {
    super(message, null, false, false);
  }
}
