package dev.parley.client;

import dev.parley.protocol.im.Message;

/**
 * Receives messages, each once, in seq order within its conversation: from other users, from
 * this user's other devices, system messages, and recalls ({@code MESSAGE_KIND_RECALL} with
 * {@code recalled_seq}). Messages this device sent are reported to {@link SendListener} instead.
 */
@FunctionalInterface
public interface MessageListener {
  /** Called once per message, in seq order per conversation. */
  void onMessage(Message message);
}
