package dev.parley.im.handler;

import dev.parley.im.config.ImSettings;
import dev.parley.im.metrics.ImMetrics;
import dev.parley.im.session.Router;
import dev.parley.im.store.ImStore;
import dev.parley.im.store.Outcomes;
import dev.parley.im.store.StoredMessage;
import dev.parley.protocol.Ids;
import dev.parley.protocol.im.ConversationList;
import dev.parley.protocol.im.Cursor;
import dev.parley.protocol.im.ErrorCode;
import dev.parley.protocol.im.Frame;
import dev.parley.protocol.im.History;
import dev.parley.protocol.im.MarkRead;
import dev.parley.protocol.im.Message;
import dev.parley.protocol.im.Ok;
import dev.parley.protocol.im.Recall;
import dev.parley.protocol.im.Receipt;
import dev.parley.protocol.im.ReceiptType;
import dev.parley.protocol.im.Send;
import dev.parley.protocol.im.SendAck;
import dev.parley.protocol.im.Sync;
import java.util.HashMap;
import java.util.Map;

/** Send, recall, read cursors, sync, history and the conversation list. */
final class MessageRequests {
  static final int MAX_CLIENT_ID = 64;
  static final int MAX_SYNC_CURSORS = 10_000;

  private final ImSettings settings;
  private final ImMetrics metrics;
  private final ImStore store;
  private final Router router;

  MessageRequests(ImSettings settings, ImMetrics metrics, ImStore store, Router router) {
    this.settings = settings;
    this.metrics = metrics;
    this.store = store;
    this.router = router;
  }

  void send(Caller c, int req, Send send) {
    String clientId = send.getClientId();
    if (clientId.isEmpty() || clientId.length() > MAX_CLIENT_ID) {
      c.refuse(req, ErrorCode.ERROR_CODE_BAD_REQUEST, "client_id must be 1-" + MAX_CLIENT_ID + " characters");
      return;
    }
    String cid = target(c, req, send.getToUser(), send.getConversation());
    if (cid == null) {
      return;
    }
    Message.Builder draft = Message.newBuilder().setSender(c.user()).setClientId(clientId).setKind(send.getKind());
    int size;
    switch (send.getKind()) {
      case MESSAGE_KIND_TEXT:
        if (send.getText().isEmpty()) {
          c.refuse(req, ErrorCode.ERROR_CODE_BAD_REQUEST, "a text message needs text");
          return;
        }
        size = send.getTextBytes().size();
        draft.setText(send.getText());
        break;
      case MESSAGE_KIND_CUSTOM:
        if (send.getCustom().getType().isEmpty()) {
          c.refuse(req, ErrorCode.ERROR_CODE_BAD_REQUEST, "a custom message needs custom.type");
          return;
        }
        size = send.getCustom().getTypeBytes().size() + send.getCustom().getData().size() + send.getTextBytes().size();
        draft.setCustom(send.getCustom()).setText(send.getText());
        break;
      default:
        c.refuse(req, ErrorCode.ERROR_CODE_BAD_REQUEST, "clients send MESSAGE_KIND_TEXT or MESSAGE_KIND_CUSTOM");
        return;
    }
    if (size > settings.maxMessageBytes()) {
      c.refuse(req, ErrorCode.ERROR_CODE_MESSAGE_TOO_LARGE,
          "message of " + size + " bytes exceeds the limit of " + settings.maxMessageBytes());
      return;
    }
    store.send(cid, draft.build(), (sent, error) -> answerSent(c, req, sent, error));
  }

  /** The conversation a send or typing names: a user (direct) or a conversation id the caller is in. */
  private static String target(Caller c, int req, String toUser, String conversation) {
    if (!toUser.isEmpty() == !conversation.isEmpty()) {
      c.refuse(req, ErrorCode.ERROR_CODE_BAD_REQUEST, "give exactly one of to_user and conversation");
      return null;
    }
    if (!toUser.isEmpty()) {
      if (!Ids.isValidUser(toUser)) {
        c.refuse(req, ErrorCode.ERROR_CODE_BAD_REQUEST, "invalid user id: " + toUser);
        return null;
      }
      if (toUser.equals(c.user())) {
        c.refuse(req, ErrorCode.ERROR_CODE_BAD_REQUEST, "a direct conversation needs another user");
        return null;
      }
      return Ids.direct(c.user(), toUser);
    }
    return conversation(c, req, conversation, false);
  }

  /** Validates a conversation id the caller refers to; system conversations only when allowed. */
  static String conversation(Caller c, int req, String cid, boolean systemAllowed) {
    Ids.Type type = Ids.typeOf(cid);
    if (type == null) {
      c.refuse(req, ErrorCode.ERROR_CODE_BAD_REQUEST, "invalid conversation id: " + cid);
      return null;
    }
    if (type == Ids.Type.DIRECT) {
      String[] users = Ids.directUsers(cid);
      if (!users[0].equals(c.user()) && !users[1].equals(c.user())) {
        c.refuse(req, ErrorCode.ERROR_CODE_NOT_MEMBER, "not a member of " + cid);
        return null;
      }
    }
    if (type == Ids.Type.SYSTEM && (!systemAllowed || !cid.substring(2).equals(c.user()))) {
      c.refuse(req, systemAllowed ? ErrorCode.ERROR_CODE_NOT_MEMBER : ErrorCode.ERROR_CODE_FORBIDDEN,
          "system conversations are written by the server");
      return null;
    }
    return cid;
  }

  /**
   * Writer thread on success: SendAck to the sender's device, the message to everyone else's. The
   * SendAck is built by the event loop that writes it: the single writer thread only hands it on.
   */
  private void answerSent(Caller c, int req, Outcomes.Sent sent, Throwable error) {
    if (error != null) {
      RequestHandler.refuse(c, req, error);
      return;
    }
    StoredMessage m = sent.stored();
    if (m == null) {
      SendAck previous = sent.ack();
      router.reply(c, () -> Frame.newBuilder().setReq(req).setSendAck(previous).build());
      return;
    }
    metrics.messagesIn.increment();
    router.deliver(m, c);
    router.reply(c, () -> Frame.newBuilder().setReq(req).setSendAck(SendAck.newBuilder()
        .setClientId(m.clientId()).setConversation(m.conversation()).setSeq(m.seq()).setTimestamp(m.timestamp()))
        .build());
  }

  void recall(Caller c, int req, Recall recall) {
    if (recall.getClientId().isEmpty() || recall.getClientId().length() > MAX_CLIENT_ID || recall.getSeq() <= 0) {
      c.refuse(req, ErrorCode.ERROR_CODE_BAD_REQUEST, "recall needs client_id, conversation and seq");
      return;
    }
    String cid = conversation(c, req, recall.getConversation(), false);
    if (cid == null) {
      return;
    }
    store.recall(c.user(), recall.getClientId(), cid, recall.getSeq(), settings.recallWindow(),
        (sent, error) -> answerSent(c, req, sent, error));
  }

  void markRead(Caller c, int req, MarkRead read) {
    String cid = conversation(c, req, read.getConversation(), true);
    if (cid == null) {
      return;
    }
    if (read.getSeq() <= 0) {
      c.refuse(req, ErrorCode.ERROR_CODE_BAD_REQUEST, "seq must be positive");
      return;
    }
    store.markRead(c.user(), cid, read.getSeq(), settings.groupReceiptLimit(), (moved, error) -> {
      if (error != null) {
        RequestHandler.refuse(c, req, error);
        return;
      }
      router.reply(c, Frame.newBuilder().setReq(req).setOk(Ok.getDefaultInstance()).build());
      router.broadcast(moved.audience(), Frame.newBuilder().setReceipt(Receipt.newBuilder()
          .setConversation(cid).setUser(moved.user()).setType(ReceiptType.RECEIPT_TYPE_READ)
          .setSeq(moved.readSeq())).build(), c);
    });
  }

  void sync(Caller c, int req, Sync sync) {
    if (sync.getCursorsCount() > MAX_SYNC_CURSORS) {
      c.refuse(req, ErrorCode.ERROR_CODE_LIMIT_EXCEEDED, "at most " + MAX_SYNC_CURSORS + " cursors per sync");
      return;
    }
    Map<String, Long> cursors = new HashMap<>();
    for (Cursor cur : sync.getCursorsList()) {
      cursors.merge(cur.getConversation(), cur.getSeq(), Math::max);
    }
    store.sync(c.user(), cursors, sync.getLimit(), sync.getRecent()).whenComplete((result, error) -> {
      if (error != null) {
        RequestHandler.refuse(c, req, error);
      } else {
        c.send(Frame.newBuilder().setReq(req).setSyncResult(result).build());
      }
    });
  }

  void history(Caller c, int req, History h) {
    String cid = conversation(c, req, h.getConversation(), true);
    if (cid == null) {
      return;
    }
    store.history(c.user(), cid, h.getBeforeSeq(), h.getLimit()).whenComplete((result, error) -> {
      if (error != null) {
        RequestHandler.refuse(c, req, error);
      } else {
        c.send(Frame.newBuilder().setReq(req).setHistoryResult(result).build());
      }
    });
  }

  void conversations(Caller c, int req) {
    store.conversations(c.user()).whenComplete((list, error) -> {
      if (error != null) {
        RequestHandler.refuse(c, req, error);
      } else {
        c.send(Frame.newBuilder().setReq(req).setConversationList(ConversationList.newBuilder()
            .addAllConversations(list)).build());
      }
    });
  }
}
