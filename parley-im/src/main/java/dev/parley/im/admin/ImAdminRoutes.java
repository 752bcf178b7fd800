package dev.parley.im.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.core.http.AdminAuth;
import dev.parley.core.http.ApiException;
import dev.parley.core.http.HttpExchange;
import dev.parley.core.http.HttpRouter;
import dev.parley.im.session.Directory;
import dev.parley.im.session.Router;
import dev.parley.im.session.Session;
import dev.parley.im.store.ImException;
import dev.parley.im.store.ImStore;
import dev.parley.im.store.Outcomes;
import dev.parley.im.store.StoredMessage;
import dev.parley.protocol.Ids;
import dev.parley.protocol.im.ErrorCode;
import dev.parley.protocol.im.KickReason;
import dev.parley.protocol.im.Message;
import dev.parley.protocol.im.MessageKind;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /api/v1} routes of IM, all behind the admin secret: list a user's sessions, kick one or
 * all, send a system message to a user or a group.
 */
public final class ImAdminRoutes {
  private final Directory directory;
  private final ImStore store;
  private final Router router;
  private final int maxMessageBytes;

  /** @param router pushes the system messages once stored */
  private static final String ADMIN_KICK = "ended by an administrator";

  public ImAdminRoutes(Directory directory, ImStore store, Router router, int maxMessageBytes) {
    this.directory = directory;
    this.store = store;
    this.router = router;
    this.maxMessageBytes = maxMessageBytes;
  }

  public void register(HttpRouter http, AdminAuth admin) {
    http.get("/api/v1/users/{userId}/sessions", admin.require(this::sessions))
        .delete("/api/v1/users/{userId}/sessions", admin.require(this::kickAll))
        .delete("/api/v1/users/{userId}/sessions/{sessionId}", admin.require(this::kickOne))
        .post("/api/v1/messages/system", admin.require(this::systemMessage));
  }

  private String user(HttpExchange ex) {
    String user = ex.pathParam("userId");
    if (!Ids.isValidUser(user)) {
      throw ApiException.badRequest("invalid user id");
    }
    return user;
  }

  /** This node's sessions of the user, then the other nodes' (listed with their node). */
  private void sessions(HttpExchange ex) {
    String user = user(ex);
    List<Object> list = new ArrayList<>();
    for (Session s : directory.sessions(user)) {
      list.add(s.info());
    }
    directory.sessionsElsewhere(user).whenComplete((remote, failure) -> {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("userId", user);
      if (remote != null) {
        list.addAll(remote);
      } else {
        // The other nodes could not be asked (Redis away): this node's sessions only.
        out.put("partial", true);
      }
      out.put("sessions", list);
      ex.respondJson(HttpResponseStatus.OK, out);
    });
  }

  private void kickAll(HttpExchange ex) {
    String user = user(ex);
    Session[] sessions = directory.sessions(user);
    for (Session s : sessions) {
      s.kick(KickReason.KICK_REASON_ADMIN, ADMIN_KICK);
    }
    directory.kickElsewhere(user, null, null, KickReason.KICK_REASON_ADMIN, ADMIN_KICK).whenComplete((n, failure) -> {
      if (failure != null) {
        ex.respondError(new ApiException(HttpResponseStatus.SERVICE_UNAVAILABLE, "UNAVAILABLE", "kicked "
            + sessions.length + " session(s) on this node; the other nodes could not be reached"));
      } else {
        ex.respondJson(HttpResponseStatus.OK, Map.of("kicked", sessions.length + n));
      }
    });
  }

  private void kickOne(HttpExchange ex) {
    String user = user(ex);
    String id = ex.pathParam("sessionId");
    for (Session s : directory.sessions(user)) {
      if (s.sessionId().equals(id)) {
        s.kick(KickReason.KICK_REASON_ADMIN, ADMIN_KICK);
        ex.respondJson(HttpResponseStatus.OK, Map.of("kicked", 1));
        return;
      }
    }
    String node = ex.query("node");
    directory.kickElsewhere(user, node, id, KickReason.KICK_REASON_ADMIN, ADMIN_KICK).whenComplete((n, failure) -> {
      if (failure != null) {
        ex.respondError(new ApiException(HttpResponseStatus.SERVICE_UNAVAILABLE, "UNAVAILABLE",
            "no session " + id + " of " + user + " here, and the other nodes could not be reached"));
      } else if (n == 0) {
        ex.respondError(ApiException.notFound("no session " + id + " of " + user));
      } else {
        ex.respondJson(HttpResponseStatus.OK, Map.of("kicked", n));
      }
    });
  }

  private void systemMessage(HttpExchange ex) {
    JsonNode body = ex.json();
    String toUser = body.path("toUser").asText("");
    String toGroup = body.path("toGroup").asText("");
    String text = body.path("text").asText("");
    if (toUser.isEmpty() == toGroup.isEmpty()) {
      throw ApiException.badRequest("give exactly one of toUser and toGroup");
    }
    if (text.isEmpty()) {
      throw ApiException.badRequest("text is required");
    }
    if (text.length() > maxMessageBytes) {
      throw new ApiException(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "MESSAGE_TOO_LARGE", "text is too long");
    }
    Message.Builder draft = Message.newBuilder().setSender("").setKind(MessageKind.MESSAGE_KIND_SYSTEM).setText(text)
        .setEvent(body.path("event").asText("announcement"));
    String clientId = body.path("clientId").asText("");
    if (clientId.length() > 64) {
      throw ApiException.badRequest("clientId is at most 64 characters");
    }
    draft.setClientId(clientId);
    for (Iterator<Map.Entry<String, JsonNode>> it = body.path("attributes").fields(); it.hasNext();) {
      Map.Entry<String, JsonNode> e = it.next();
      draft.putAttributes(e.getKey(), e.getValue().asText());
    }
    if (!toUser.isEmpty()) {
      if (!Ids.isValidUser(toUser)) {
        throw ApiException.badRequest("invalid toUser");
      }
      store.send(Ids.system(toUser), draft.build(), (sent, error) -> answerSent(ex, sent, error));
    } else {
      if (!Ids.isValidGroup(toGroup)) {
        throw ApiException.badRequest("invalid toGroup");
      }
      store.announce(toGroup, draft.build(), (sent, error) -> answerSent(ex, sent, error));
    }
  }

  /** Writer thread on success: push the new message (not a resend's) and answer. */
  private void answerSent(HttpExchange ex, Outcomes.Sent sent, ImException error) {
    if (error != null) {
      answerError(ex, error);
    } else if (sent.stored() == null) {
      answer(ex, sent.ack().getConversation(), sent.ack().getSeq(), sent.ack().getTimestamp(), true);
    } else {
      delivered(ex, sent.stored());
    }
  }

  /** Writer thread: the message is stored; push it and answer. */
  private void delivered(HttpExchange ex, StoredMessage stored) {
    router.deliver(stored, null);
    answer(ex, stored.conversation(), stored.seq(), stored.timestamp(), false);
  }

  private static void answer(HttpExchange ex, String cid, long seq, long ts, boolean duplicate) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("conversation", cid);
    out.put("seq", seq);
    out.put("timestamp", ts);
    out.put("duplicate", duplicate);
    ex.respondJson(HttpResponseStatus.OK, out);
  }

  private static void answerError(HttpExchange ex, ImException e) {
    HttpResponseStatus status = e.code() == ErrorCode.ERROR_CODE_NOT_FOUND ? HttpResponseStatus.NOT_FOUND
        : HttpResponseStatus.SERVICE_UNAVAILABLE;
    ex.respondError(new ApiException(status, e.code().name().substring("ERROR_CODE_".length()), e.getMessage()));
  }
}
