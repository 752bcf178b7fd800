package dev.parley.core.http;

/**
 * Handles one routed request. It runs on the connection's event loop and must not block: blocking
 * work goes to an executor, which answers through the exchange when done. Throwing
 * {@link ApiException} answers with that error.
 */
@FunctionalInterface
public interface HttpHandler {
  void handle(HttpExchange exchange) throws Exception;
}
