package dev.parley.core.store.jdbc;

/**
 * The store cannot be reached (its server is down or the connection to it was lost): nothing of
 * the request was written, and the same request may succeed once the store is back. The caller
 * refuses the request with a retryable error; the writer reconnects on its own.
 */
public final class StoreUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StoreUnavailableException(String message, Throwable cause) {
    super(message, cause, false, false);
  }
}
