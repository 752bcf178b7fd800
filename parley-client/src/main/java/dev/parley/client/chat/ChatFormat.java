package dev.parley.client.chat;

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
import java.util.Map;

/**
 * How messages, receipts and presence look in the terminal. Groups are shown by name ({@code #team})
 * once the session knows it; this user's own messages are always "me".
 */
final class ChatFormat {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT)
      .withZone(ZoneId.systemDefault());

  private final GroupNames groups;

  ChatFormat(GroupNames groups) {
    this.groups = groups;
  }

  static String time(long epochMillis) {
    return TIME.format(Instant.ofEpochMilli(epochMillis == 0 ? System.currentTimeMillis() : epochMillis));
  }

  /** How a conversation is named to this user: {@code bob}, {@code #team}, {@code system}. */
  String where(String conversation, String me) {
    Ids.Type type = Ids.typeOf(conversation);
    if (type == Ids.Type.DIRECT) {
      return Ids.peerOf(conversation, me);
    }
    if (type == Ids.Type.GROUP) {
      return "#" + groups.label(Ids.groupIdOf(conversation));
    }
    return "system";
  }

  static String content(Message m, String me) {
    if (m.getRecalled()) {
      return "(recalled)";
    }
    return switch (m.getKind()) {
      case MESSAGE_KIND_TEXT -> m.getText();
      case MESSAGE_KIND_CUSTOM -> "[" + m.getCustom().getType() + ", " + m.getCustom().getData().size() + " bytes]";
      case MESSAGE_KIND_RECALL -> "(recalled message #" + m.getRecalledSeq() + ")";
      case MESSAGE_KIND_SYSTEM -> "* " + (m.getText().isEmpty() ? m.getEvent() : m.getText());
      case MESSAGE_KIND_CALL -> call(m, me);
      default -> "[" + m.getKind().name().toLowerCase(Locale.ROOT).replace("message_kind_", "") + " message]";
    };
  }

  /**
   * A call record (docs/CALLS.md, "Call records"): {@code call, 2:31}, {@code missed video call},
   * {@code call, no answer} for the caller, from its event and attributes.
   */
  static String call(Message m, String me) {
    Map<String, String> a = m.getAttributesMap();
    String kind = "video".equals(a.get("media")) ? "video call" : "call";
    boolean mine = me != null && me.equals(a.getOrDefault("caller", m.getSender()));
    return "(" + switch (m.getEvent()) {
      case "call.completed" -> kind + ", " + duration(a.get("duration_ms"));
      case "call.missed" -> mine ? kind + ", no answer" : "missed " + kind;
      case "call.declined" -> kind + " declined";
      case "call.cancelled" -> mine ? kind + " cancelled" : "missed " + kind + " (cancelled)";
      case "call.busy" -> kind + ", busy";
      default -> m.getText().isEmpty() ? kind : m.getText();
    } + ")";
  }

  /** {@code 0:07}, {@code 2:31}, {@code 1:02:03} from milliseconds. */
  static String duration(String millis) {
    long s;
    try {
      s = Long.parseLong(millis == null ? "0" : millis) / 1000;
    } catch (NumberFormatException e) {
      s = 0;
    }
    return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
        : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
  }

  /**
   * A message as it arrives or in history: {@code [12:01:03] bob: hi}, {@code [12:01:03] #team bob: hi};
   * this user's own (from another device, or in history) as {@code me -> bob: hi}.
   */
  String incoming(Message m, String me) {
    String where = where(m.getConversation(), me);
    String prefix = "[" + time(m.getTimestamp()) + "] ";
    if (m.getKind() == MessageKind.MESSAGE_KIND_SYSTEM) {
      return prefix + (where.startsWith("#") ? where + " " : "(system) ") + content(m, me) + "  #" + m.getSeq();
    }
    if (m.getSender().equals(me)) {
      // The server writes call records in the caller's name: they come from no device of this user.
      String from = m.getKind() == MessageKind.MESSAGE_KIND_CALL ? "me -> " : "me (other device) -> ";
      return prefix + from + where + ": " + content(m, me) + "  #" + m.getSeq();
    }
    String who = m.getSender().isEmpty() ? "server" : m.getSender();
    if (where.startsWith("#")) {
      return prefix + where + " " + who + ": " + content(m, me) + "  #" + m.getSeq();
    }
    return prefix + who + ": " + content(m, me) + "  #" + m.getSeq();
  }

  /** This device's message, once the server stored it (or this user's own, in history). */
  String sent(Message m, String me) {
    return "[" + time(m.getTimestamp()) + "] me -> " + where(m.getConversation(), me) + ": " + content(m, me)
        + "  #" + m.getSeq() + " sent";
  }

  String receipt(Receipt r, String me) {
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

  String conversation(Conversation c, String me) {
    String where = where(c.getConversation(), me);
    StringBuilder b = new StringBuilder("  ").append(where);
    if (!c.getTitle().isEmpty() && !("#" + c.getTitle()).equals(where) && !c.getTitle().equals(where)) {
      b.append(" (").append(c.getTitle()).append(')');
    }
    b.append(": ").append(c.getUnread()).append(" unread");
    if (c.hasLastMessage()) {
      Message m = c.getLastMessage();
      b.append(", last ").append(m.getSender().equals(me) ? "me" : m.getSender()).append(": ").append(content(m, me));
    }
    return b.toString();
  }
}
