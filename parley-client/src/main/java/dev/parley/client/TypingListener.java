package dev.parley.client;

import dev.parley.protocol.im.Typing;

/** Another member of a conversation started or stopped typing. */
@FunctionalInterface
public interface TypingListener {
  void onTyping(Typing typing);
}
