package dev.parley.im.handler;

import dev.parley.im.config.ImSettings;
import dev.parley.im.presence.PresenceHub;
import dev.parley.im.session.Router;
import dev.parley.im.store.ImStore;
import dev.parley.protocol.Ids;
import dev.parley.protocol.im.ErrorCode;
import dev.parley.protocol.im.Frame;
import dev.parley.protocol.im.Ok;
import dev.parley.protocol.im.PresenceSubscribe;
import dev.parley.protocol.im.PresenceUnsubscribe;
import dev.parley.protocol.im.Typing;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** What is relayed and never stored: typing indicators and presence subscriptions. */
final class LiveRequests {
  private final ImSettings settings;
  private final ImStore store;
  private final Router router;
  private final PresenceHub presence;

  LiveRequests(ImSettings settings, ImStore store, Router router, PresenceHub presence) {
    this.settings = settings;
    this.store = store;
    this.router = router;
    this.presence = presence;
  }

  /** Relays to the other members' online devices; no answer unless refused. */
  void typing(Caller c, int req, Typing t) {
    String cid = MessageRequests.conversation(c, req, t.getConversation(), false);
    if (cid == null) {
      return;
    }
    Frame relay = Frame.newBuilder().setTyping(Typing.newBuilder().setConversation(cid).setUser(c.user())
        .setTyping(t.getTyping())).build();
    if (Ids.typeOf(cid) == Ids.Type.DIRECT) {
      relay(Ids.peerOf(cid, c.user()), relay);
      return;
    }
    store.groupMembers(cid).whenComplete((members, error) -> {
      if (error != null || !members.contains(c.user())) {
        c.refuse(req, ErrorCode.ERROR_CODE_NOT_MEMBER, "not a member of " + cid);
        return;
      }
      if (members.size() > settings.groupReceiptLimit()) {
        return;
      }
      for (String u : members) {
        if (!u.equals(c.user())) {
          relay(u, relay);
        }
      }
    });
  }

  private void relay(String user, Frame frame) {
    router.sendToUser(user, frame);
  }

  void subscribe(Caller c, int req, PresenceSubscribe p) {
    Set<String> users = new LinkedHashSet<>();
    for (String u : p.getUsersList()) {
      if (!Ids.isValidUser(u)) {
        c.refuse(req, ErrorCode.ERROR_CODE_BAD_REQUEST, "invalid user id: " + u);
        return;
      }
      users.add(u);
    }
    List<CompletableFuture<Set<String>>> groups = new ArrayList<>();
    for (String g : p.getGroupsList()) {
      if (!Ids.isValidGroup(g)) {
        c.refuse(req, ErrorCode.ERROR_CODE_BAD_REQUEST, "invalid group id: " + g);
        return;
      }
      groups.add(store.groupMembers(Ids.group(g)));
    }
    CompletableFuture.allOf(groups.toArray(new CompletableFuture[0])).whenComplete((v, error) -> {
      c.eventLoop().execute(() -> {
        if (error != null) {
          RequestHandler.refuse(c, req, error);
          return;
        }
        for (CompletableFuture<Set<String>> g : groups) {
          Set<String> members = g.join();
          if (!members.contains(c.user())) {
            c.refuse(req, ErrorCode.ERROR_CODE_NOT_MEMBER, "presence of a group is for its members");
            return;
          }
          users.addAll(members);
        }
        users.remove(c.user());
        int already = c.presenceSubscriptionsOrNull() == null ? 0 : c.presenceSubscriptionsOrNull().size();
        if (already + users.size() > settings.maxPresenceSubscriptions()) {
          c.refuse(req, ErrorCode.ERROR_CODE_LIMIT_EXCEEDED,
              "a session may follow at most " + settings.maxPresenceSubscriptions() + " users");
          return;
        }
        presence.subscribe(c, req, users);
      });
    });
  }

  void unsubscribe(Caller c, int req, PresenceUnsubscribe p) {
    presence.unsubscribe(c, p.getUsersList());
    c.send(Frame.newBuilder().setReq(req).setOk(Ok.getDefaultInstance()).build());
  }
}
