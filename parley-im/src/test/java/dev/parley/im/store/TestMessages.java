package dev.parley.im.store;

import dev.parley.protocol.im.Message;
import dev.parley.protocol.im.MessageKind;
import java.util.Set;

/** Committed messages for unit tests of what happens after the store (delivery, resends). */
public final class TestMessages {
  private TestMessages() {}

  /** A text message {@code text} from {@code sender}, committed at {@code seq} of {@code cid}. */
  public static StoredMessage stored(String cid, long seq, String sender, Set<String> recipients, String text) {
    Message draft = Message.newBuilder().setSender(sender).setClientId(sender + "-" + seq)
        .setKind(MessageKind.MESSAGE_KIND_TEXT).setText(text).build();
    return new StoredMessage(draft, cid, seq, 1_000 + seq, recipients);
  }
}
