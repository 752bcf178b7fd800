package dev.parley.client;

import dev.parley.protocol.im.Message;
import java.util.concurrent.CompletableFuture;

/**
 * A message handed to the client: its client id at once, and later the stored message (with its
 * conversation and seq) or the reason it failed.
 */
public final class PendingSend {
  private final String clientId;
  private final CompletableFuture<Message> result;

  PendingSend(String clientId, CompletableFuture<Message> result) {
    this.clientId = clientId;
    this.result = result;
  }

  /** The client id the message is sent (and resent) with. */
  public String clientId() {
    return clientId;
  }

  /**
   * Completes with the message as stored once the server acknowledged it, or exceptionally with a
   * {@link ParleyException} ({@code REFUSED} or {@code DEADLINE_PASSED}, or {@code CLOSED}). It
   * completes after the {@link SendListener}s have been told of the same outcome.
   */
  public CompletableFuture<Message> result() {
    return result;
  }
}
