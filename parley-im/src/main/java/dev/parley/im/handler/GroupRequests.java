package dev.parley.im.handler;

import dev.parley.im.session.Router;
import dev.parley.im.store.Callback;
import dev.parley.im.store.ImStore;
import dev.parley.im.store.Outcomes;
import dev.parley.im.store.StoredMessage;
import dev.parley.protocol.Ids;
import dev.parley.protocol.im.ErrorCode;
import dev.parley.protocol.im.Frame;
import dev.parley.protocol.im.GroupAddMembers;
import dev.parley.protocol.im.GroupCreate;
import dev.parley.protocol.im.GroupGet;
import dev.parley.protocol.im.GroupLeave;
import dev.parley.protocol.im.GroupListResult;
import dev.parley.protocol.im.GroupRemoveMembers;
import dev.parley.protocol.im.GroupRename;
import dev.parley.protocol.im.GroupSetRole;
import dev.parley.protocol.im.Ok;
import java.util.List;

/** Group requests: create, rename, add, remove, leave, roles, get, list. */
final class GroupRequests {
  static final int MAX_NAME = 100;
  static final int MAX_USERS_PER_REQUEST = 1000;

  private final ImStore store;
  private final Router router;

  GroupRequests(ImStore store, Router router) {
    this.store = store;
    this.router = router;
  }

  void create(Caller c, int req, GroupCreate g) {
    String name = g.getName().strip();
    if (!validName(c, req, name) || !validUsers(c, req, g.getMembersList(), true)) {
      return;
    }
    store.createGroup(c.user(), name, g.getMembersList(), changed(c, req, true));
  }

  void rename(Caller c, int req, GroupRename g) {
    String name = g.getName().strip();
    if (validGroup(c, req, g.getGroupId()) && validName(c, req, name)) {
      store.renameGroup(c.user(), g.getGroupId(), name, changed(c, req, false));
    }
  }

  void add(Caller c, int req, GroupAddMembers g) {
    if (validGroup(c, req, g.getGroupId()) && validUsers(c, req, g.getUsersList(), false)) {
      store.addMembers(c.user(), g.getGroupId(), g.getUsersList(), changed(c, req, false));
    }
  }

  void remove(Caller c, int req, GroupRemoveMembers g) {
    if (validGroup(c, req, g.getGroupId()) && validUsers(c, req, g.getUsersList(), false)) {
      store.removeMembers(c.user(), g.getGroupId(), g.getUsersList(), changed(c, req, false));
    }
  }

  void leave(Caller c, int req, GroupLeave g) {
    if (validGroup(c, req, g.getGroupId())) {
      store.leaveGroup(c.user(), g.getGroupId(), changed(c, req, false));
    }
  }

  void setRole(Caller c, int req, GroupSetRole g) {
    if (validGroup(c, req, g.getGroupId()) && validUsers(c, req, List.of(g.getUser()), false)) {
      store.setRole(c.user(), g.getGroupId(), g.getUser(), g.getRole(), changed(c, req, false));
    }
  }

  void get(Caller c, int req, GroupGet g) {
    if (!validGroup(c, req, g.getGroupId())) {
      return;
    }
    store.group(c.user(), g.getGroupId()).whenComplete((info, error) -> {
      if (error != null) {
        RequestHandler.refuse(c, req, error);
      } else {
        c.send(Frame.newBuilder().setReq(req).setGroupInfo(info).build());
      }
    });
  }

  void list(Caller c, int req) {
    store.groupsOf(c.user()).whenComplete((groups, error) -> {
      if (error != null) {
        RequestHandler.refuse(c, req, error);
      } else {
        c.send(Frame.newBuilder().setReq(req).setGroupListResult(GroupListResult.newBuilder().addAllGroups(groups))
            .build());
      }
    });
  }

  /** Writer thread on success: answer the caller, deliver the change's system messages to the members. */
  private Callback<Outcomes.GroupChanged> changed(Caller c, int req, boolean answerInfo) {
    return (outcome, error) -> {
      if (error != null) {
        RequestHandler.refuse(c, req, error);
        return;
      }
      Frame.Builder answer = Frame.newBuilder().setReq(req);
      if (answerInfo) {
        answer.setGroupInfo(outcome.info());
      } else {
        answer.setOk(Ok.getDefaultInstance());
      }
      router.reply(c, answer.build());
      for (StoredMessage m : outcome.messages()) {
        router.deliver(m, null);
      }
    };
  }

  private static boolean validGroup(Caller c, int req, String groupId) {
    if (!Ids.isValidGroup(groupId)) {
      c.refuse(req, ErrorCode.ERROR_CODE_BAD_REQUEST, "invalid group id: " + groupId);
      return false;
    }
    return true;
  }

  private static boolean validName(Caller c, int req, String name) {
    if (name.isEmpty() || name.length() > MAX_NAME) {
      c.refuse(req, ErrorCode.ERROR_CODE_BAD_REQUEST, "a group name is 1-" + MAX_NAME + " characters");
      return false;
    }
    return true;
  }

  private static boolean validUsers(Caller c, int req, List<String> users, boolean emptyOk) {
    if (users.isEmpty() && !emptyOk) {
      c.refuse(req, ErrorCode.ERROR_CODE_BAD_REQUEST, "name at least one user");
      return false;
    }
    if (users.size() > MAX_USERS_PER_REQUEST) {
      c.refuse(req, ErrorCode.ERROR_CODE_LIMIT_EXCEEDED, "at most " + MAX_USERS_PER_REQUEST + " users per request");
      return false;
    }
    for (String u : users) {
      if (!Ids.isValidUser(u)) {
        c.refuse(req, ErrorCode.ERROR_CODE_BAD_REQUEST, "invalid user id: " + u);
        return false;
      }
    }
    return true;
  }
}
