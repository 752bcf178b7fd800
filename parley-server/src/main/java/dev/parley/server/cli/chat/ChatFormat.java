package dev.parley.server.cli.chat;

import dev.parley.protocol.Ids;
import dev.parley.protocol.im.Conversation;
import dev.parley.protocol.im.Message;
import dev.parley.protocol.im.MessageKind;
import dev.parley.protocol.im.Presence;
import dev.parley.protocol.im.Receipt;
import dev.parley.protocol.im.ReceiptType;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** How messages, receipts and presence look in the terminal. */
final class ChatFormat {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT)
      .withZone(ZoneId.systemDefault());

  private ChatFormat() {}

  static String time(long epochMillis) {
    return TIME.format(Instant.ofEpochMilli(epochMillis == 0 ? System.currentTimeMillis() : epochMillis));
  }

  /** How a conversation is named to this user: {@code bob}, {@code #groupId}, {@code system}. */
  static String where(String conversation, String me) {
    Ids.Type type = Ids.typeOf(conversation);
    if (type == Ids.Type.DIRECT) {
      return Ids.peerOf(conversation, me);
    }
    if (type == Ids.Type.GROUP) {
      return "#" + Ids.groupIdOf(conversation);
    }
    return "system";
  }

  static String content(Message m) {
    if (m.getRecalled()) {
      return "(recalled)";
    }
    return switch (m.getKind()) {
      case MESSAGE_KIND_TEXT -> m.getText();
      case MESSAGE_KIND_CUSTOM -> "[" + m.getCustom().getType() + ", " + m.getCustom().getData().size() + " bytes]";
      case MESSAGE_KIND_RECALL -> "(recalled message #" + m.getRecalledSeq() + ")";
      case MESSAGE_KIND_SYSTEM -> "* " + (m.getText().isEmpty() ? m.getEvent() : m.getText());
      default -> "[" + m.getKind() + "]";
    };
  }

  /** A received message: {@code [12:01:03] bob: hi} or {@code [12:01:03] #team bob: hi}. */
  static String incoming(Message m, String me) {
    String where = where(m.getConversation(), me);
    String who = m.getSender().isEmpty() ? "server" : m.getSender();
    String prefix = "[" + time(m.getTimestamp()) + "] ";
    if (m.getKind() == MessageKind.MESSAGE_KIND_SYSTEM) {
      return prefix + (where.startsWith("#") ? where + " " : "(system) ") + content(m) + "  #" + m.getSeq();
    }
    if (where.startsWith("#")) {
      return prefix + where + " " + who + ": " + content(m) + "  #" + m.getSeq();
    }
    if (who.equals(me)) {
      return prefix + "me (other device) -> " + where + ": " + content(m) + "  #" + m.getSeq();
    }
    return prefix + who + ": " + content(m) + "  #" + m.getSeq();
  }

  /** This device's message, once the server stored it. */
  static String sent(Message m, String me) {
    return "[" + time(m.getTimestamp()) + "] me -> " + where(m.getConversation(), me) + ": " + content(m)
        + "  #" + m.getSeq() + " sent";
  }

  static String receipt(Receipt r, String me) {
    String verb = r.getType() == ReceiptType.RECEIPT_TYPE_READ ? "read" : "received";
    String where = where(r.getConversation(), me);
    return "  " + r.getUser() + " " + verb + (where.startsWith("#") ? " " + where : "") + " up to #" + r.getSeq();
  }

  static String presence(Presence p) {
    if (p.getOnline()) {
      return "* " + p.getUser() + " is online";
    }
    return "* " + p.getUser() + " is offline" + (p.getLastSeen() > 0 ? " (last seen " + time(p.getLastSeen()) + ")" : "");
  }

  static String conversation(Conversation c, String me) {
    StringBuilder b = new StringBuilder("  ").append(where(c.getConversation(), me));
    if (!c.getTitle().isEmpty() && !c.getTitle().equals(where(c.getConversation(), me))) {
      b.append(" (").append(c.getTitle()).append(')');
    }
    b.append(": ").append(c.getUnread()).append(" unread");
    if (c.hasLastMessage()) {
      Message m = c.getLastMessage();
      b.append(", last ").append(m.getSender().equals(me) ? "me" : m.getSender()).append(": ").append(content(m));
    }
    return b.toString();
  }
}
