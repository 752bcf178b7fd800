package dev.parley.client;

import dev.parley.protocol.im.Message;

/**
 * Outcome of every message this client sends, for apps that track their outbox in one place
 * rather than per {@link PendingSend}.
 */
public interface SendListener {
  /** The server stored the message: it has its conversation, seq and timestamp. */
  void onSent(Message message);

  /** The message failed: refused by the server, or not acknowledged by its deadline. */
  void onFailed(String clientId, ParleyException error);
}
