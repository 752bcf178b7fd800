package dev.parley.client;

import dev.parley.protocol.im.Typing;

/** Another member of a conversation started or stopped typing. */
@FunctionalInterface
public interface TypingListener {
  /** Who, in which conversation, and whether typing or stopped. */
  void onTyping(Typing typing);
}
