package dev.parley.im.handler;

import dev.parley.core.spi.ImGateway.FrameHandler;
import dev.parley.core.time.TimeSource;
import dev.parley.im.config.ImSettings;
import dev.parley.im.delivery.DeliveryCursors;
import dev.parley.im.metrics.ImMetrics;
import dev.parley.im.presence.PresenceHub;
import dev.parley.im.session.Router;
import dev.parley.im.store.ImException;
import dev.parley.im.store.ImStore;
import dev.parley.protocol.im.ErrorCode;
import dev.parley.protocol.im.Frame;
import dev.parley.protocol.im.Ok;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes the requests of a logged-in connection. Runs on the connection's event loop; anything
 * blocking goes to the store's writer or readers, and answers come back through the caller or
 * the router.
 */
public final class RequestHandler {
  private static final Logger log = LoggerFactory.getLogger(RequestHandler.class);

  private final ImMetrics metrics;
  private final DeliveryCursors cursors;
  private final Function<Frame.BodyCase, FrameHandler> extensions;
  private final RequestRate rate;
  private final MessageRequests messages;
  private final GroupRequests groups;
  private final LiveRequests live;

  /**
   * @param router answers after commits and reaches other users' sessions
   * @param extensions the handler other modules registered for a frame type IM does not handle, or null
   */
  public RequestHandler(ImSettings settings, ImMetrics metrics, TimeSource time, ImStore store, Router router,
      PresenceHub presence, DeliveryCursors cursors, Function<Frame.BodyCase, FrameHandler> extensions) {
    this.metrics = metrics;
    this.cursors = cursors;
    this.extensions = extensions;
    this.rate = new RequestRate(settings.ratePerSecond(), settings.rateBurst(), metrics.rateLimited, time);
    this.messages = new MessageRequests(settings, metrics, store, router);
    this.groups = new GroupRequests(store, router);
    this.live = new LiveRequests(settings, store, router, presence);
  }

  public void handle(Caller c, Frame f) {
    int req = f.getReq();
    switch (f.getBodyCase()) {
      case ACK:
        metrics.acks.increment();
        c.acked(f.getAck());
        cursors.acked(c, req, f.getAck());
        return;
      case LOGIN:
        c.refuse(req, ErrorCode.ERROR_CODE_ALREADY_LOGGED_IN, "this connection is already logged in");
        return;
      case LOGOUT:
        c.sendAndClose(Frame.newBuilder().setReq(req).setOk(Ok.getDefaultInstance()).build());
        return;
      default:
        break;
    }
    if (!rate.admit(c, req)) {
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
        FrameHandler extension = extensions.apply(f.getBodyCase());
        if (extension != null) {
          extension.handle(c, f);
        } else {
          c.refuse(req, ErrorCode.ERROR_CODE_BAD_REQUEST,
              f.getBodyCase().name().toLowerCase(Locale.ROOT) + " is not a request this server handles");
        }
      }
    }
  }

  /** The store said no: pass its code and message on. */
  static void refuse(Caller c, int req, Throwable error) {
    Throwable e = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (e instanceof ImException ie) {
      c.refuse(req, ie.code(), ie.getMessage());
    } else {
      log.error("request failed for {}", c, e);
      c.refuse(req, ErrorCode.ERROR_CODE_INTERNAL, "internal error; retry");
    }
  }
}
