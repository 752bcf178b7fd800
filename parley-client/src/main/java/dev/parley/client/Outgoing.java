package dev.parley.client;

import com.google.protobuf.ByteString;
import dev.parley.protocol.im.Custom;
import dev.parley.protocol.im.MessageKind;
import dev.parley.protocol.im.Send;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;

/**
 * A message to send: {@code Outgoing.text("hi").toUser("bob")} or
 * {@code Outgoing.custom("location", bytes).toConversation("g:team")}.
 */
public final class Outgoing {
  private final MessageKind kind;
  private final String text;
  private final Custom custom;
  private String toUser;
  private String conversation;
  private String clientId;
  private Duration deadline;

  private Outgoing(MessageKind kind, String text, Custom custom) {
    this.kind = kind;
    this.text = text;
    this.custom = custom;
  }

  /** A text message. */
  public static Outgoing text(String text) {
    return new Outgoing(MessageKind.MESSAGE_KIND_TEXT, Objects.requireNonNull(text), null);
  }

  /** An app-defined message: {@code type} names it, {@code data} is its content. */
  public static Outgoing custom(String type, byte[] data) {
    return new Outgoing(MessageKind.MESSAGE_KIND_CUSTOM, "",
        Custom.newBuilder().setType(type).setData(ByteString.copyFrom(data)).build());
  }

  /** To a user: the direct conversation with them. */
  public Outgoing toUser(String user) {
    this.toUser = Objects.requireNonNull(user);
    this.conversation = null;
    return this;
  }

  /** To a conversation id ({@code g:{groupId}} for groups, or a direct {@code u:a:b}). */
  public Outgoing toConversation(String conv) {
    this.conversation = Objects.requireNonNull(conv);
    this.toUser = null;
    return this;
  }

  /**
   * The client id, when the app keeps its own outbox across restarts and must resend with the
   * same id (default: a random UUID).
   */
  public Outgoing clientId(String id) {
    this.clientId = Objects.requireNonNull(id);
    return this;
  }

  /** This message's send deadline, instead of the client's. */
  public Outgoing deadline(Duration d) {
    this.deadline = d;
    return this;
  }

  String clientIdOrNew() {
    if (clientId == null) {
      clientId = UUID.randomUUID().toString();
    }
    return clientId;
  }

  Duration deadline() {
    return deadline;
  }

  Send toSend(String id) {
    if (toUser == null && conversation == null) {
      throw new IllegalStateException("say toUser(...) or toConversation(...)");
    }
    Send.Builder s = Send.newBuilder().setClientId(id).setKind(kind).setText(text);
    if (custom != null) {
      s.setCustom(custom);
    }
    if (toUser != null) {
      s.setToUser(toUser);
    } else {
      s.setConversation(conversation);
    }
    return s.build();
  }
}
