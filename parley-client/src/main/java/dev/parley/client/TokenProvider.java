package dev.parley.client;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Supplies the token for each login. Asked before every connection attempt, so an app whose
 * tokens expire can fetch a fresh one from its backend here (off the client's thread: return a
 * stage that completes later).
 */
@FunctionalInterface
public interface TokenProvider {
  /** The token for the next login (a JWT naming the user). */
  CompletionStage<String> token();

  /** Always the same token. */
  static TokenProvider of(String token) {
    CompletableFuture<String> done = CompletableFuture.completedFuture(token);
    return () -> done;
  }
}
