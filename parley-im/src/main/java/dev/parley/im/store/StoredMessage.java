package dev.parley.im.store;

import dev.parley.protocol.im.Message;
import java.util.Set;

/**
 * A message as committed, with the users it goes to (every member of its conversation at the
 * time, the sender included: the sender's other devices get it too).
 */
public record StoredMessage(Message message, Set<String> recipients) {}
