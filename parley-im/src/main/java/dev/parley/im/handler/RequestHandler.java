package dev.parley.im.handler;

import dev.parley.im.ImService;
import dev.parley.im.net.ImConnection;
import dev.parley.protocol.im.ErrorCode;
import dev.parley.protocol.im.Frame;

/**
 * Routes the requests of a logged-in connection. Runs on the connection's event loop; anything
 * blocking goes to the store's writer or readers, and answers come back through the connection.
 */
public final class RequestHandler {
  private final ImService im;
  private final MessageRequests messages;
  private final GroupRequests groups;
  private final LiveRequests live;

  public RequestHandler(ImService im) {
    this.im = im;
    this.messages = new MessageRequests(im);
    this.groups = new GroupRequests(im);
    this.live = new LiveRequests(im);
  }

  public void handle(ImConnection c, Frame f) {
    int req = f.getReq();
    switch (f.getBodyCase()) {
      case ACK:
        c.onAck(req, f.getAck());
        return;
      case LOGIN:
        c.refuse(req, ErrorCode.ERROR_CODE_ALREADY_LOGGED_IN, "this connection is already logged in");
        return;
      case LOGOUT:
        c.logout(req);
        return;
      default:
        break;
    }
    if (!c.admit(req)) {
      return;
    }
    switch (f.getBodyCase()) {
      case SEND -> messages.send(c, req, f.getSend());
      case RECALL -> messages.recall(c, req, f.getRecall());
      case MARK_READ -> messages.markRead(c, req, f.getMarkRead());
      case SYNC -> messages.sync(c, req, f.getSync());
      case HISTORY -> messages.history(c, req, f.getHistory());
      case LIST_CONVERSATIONS -> messages.conversations(c, req);
      case TYPING -> live.typing(c, req, f.getTyping());
      case PRESENCE_SUBSCRIBE -> live.subscribe(c, req, f.getPresenceSubscribe());
      case PRESENCE_UNSUBSCRIBE -> live.unsubscribe(c, req, f.getPresenceUnsubscribe());
      case GROUP_CREATE -> groups.create(c, req, f.getGroupCreate());
      case GROUP_RENAME -> groups.rename(c, req, f.getGroupRename());
      case GROUP_ADD_MEMBERS -> groups.add(c, req, f.getGroupAddMembers());
      case GROUP_REMOVE_MEMBERS -> groups.remove(c, req, f.getGroupRemoveMembers());
      case GROUP_LEAVE -> groups.leave(c, req, f.getGroupLeave());
      case GROUP_SET_ROLE -> groups.setRole(c, req, f.getGroupSetRole());
      case GROUP_GET -> groups.get(c, req, f.getGroupGet());
      case GROUP_LIST -> groups.list(c, req);
      case BODY_NOT_SET -> c.refuse(req, ErrorCode.ERROR_CODE_BAD_REQUEST,
          "empty or unsupported request (a frame type this server does not know)");
      default -> {
        dev.parley.core.spi.ImGateway.FrameHandler extension = im.gateway().handlerFor(f.getBodyCase());
        if (extension != null) {
          extension.handle(c, f);
        } else {
          c.refuse(req, ErrorCode.ERROR_CODE_BAD_REQUEST,
              f.getBodyCase().name().toLowerCase(java.util.Locale.ROOT) + " is not a request this server handles");
        }
      }
    }
  }

  /** The store said no: pass its code and message on. */
  static void refuse(ImConnection c, int req, Throwable error) {
    Throwable e = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
        ? error.getCause() : error;
    if (e instanceof dev.parley.im.store.ImException ie) {
      c.refuse(req, ie.code(), ie.getMessage());
    } else {
      org.slf4j.LoggerFactory.getLogger(RequestHandler.class).error("request failed for {}", c, e);
      c.refuse(req, ErrorCode.ERROR_CODE_INTERNAL, "internal error; retry");
    }
  }
}
