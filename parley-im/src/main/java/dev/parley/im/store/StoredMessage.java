package dev.parley.im.store;

import dev.parley.protocol.im.Message;
import java.util.Set;

/**
 * A message as committed, with the users it goes to (every member of its conversation at the
 * time, the sender included: the sender's other devices get it too). The full {@link Message} is
 * built on first use, off the writer thread, from the draft and the place the store gave it.
 */
public final class StoredMessage {
  private final Message draft;
  private final String conversation;
  private final long seq;
  private final long timestamp;
  private final Set<String> recipients;
  private volatile Message message;

  /** A message the store has just committed at {@code seq} of {@code conversation}. */
  public StoredMessage(Message draft, String conversation, long seq, long timestamp, Set<String> recipients) {
    this.draft = draft;
    this.conversation = conversation;
    this.seq = seq;
    this.timestamp = timestamp;
    this.recipients = recipients;
  }

  /** The same message for another audience. */
  public StoredMessage withRecipients(Set<String> users) {
    return new StoredMessage(draft, conversation, seq, timestamp, users);
  }

  public String conversation() {
    return conversation;
  }

  public long seq() {
    return seq;
  }

  public long timestamp() {
    return timestamp;
  }

  public String sender() {
    return draft.getSender();
  }

  public String clientId() {
    return draft.getClientId();
  }

  public Set<String> recipients() {
    return recipients;
  }

  /** The message as devices see it. */
  public Message message() {
    Message m = message;
    if (m == null) {
      m = draft.toBuilder().setConversation(conversation).setSeq(seq).setTimestamp(timestamp).build();
      message = m;
    }
    return m;
  }
}
