package dev.parley.client.chat;

/** Where the chat prints: above the prompt on a terminal, plain lines on a pipe. */
@FunctionalInterface
public interface ChatOutput {
  /** Prints one line (from any thread). */
  void line(String text);
}
