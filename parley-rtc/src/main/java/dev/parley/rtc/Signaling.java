package dev.parley.rtc;

import dev.parley.core.auth.TokenService;
import dev.parley.core.spi.ImGateway;
import dev.parley.core.spi.ImGateway.ImSession;
import dev.parley.core.time.TimeSource;
import dev.parley.protocol.im.CallEndReason;
import dev.parley.protocol.im.ErrorCode;
import dev.parley.protocol.im.Frame;
import dev.parley.protocol.im.IceServer;
import dev.parley.protocol.im.Signal;
import dev.parley.protocol.im.SignalKind;
import dev.parley.rtc.call.CallMetrics;
import dev.parley.rtc.call.CallRequests;
import dev.parley.rtc.call.CallSessions;
import dev.parley.rtc.call.Calls;
import dev.parley.rtc.ice.IceServers;
import dev.parley.rtc.room.RoomMetrics;
import dev.parley.rtc.room.RoomRouter;
import dev.parley.rtc.room.Rooms;
import dev.parley.rtc.signal.CallBusy;
import dev.parley.rtc.signal.CallHome;
import dev.parley.rtc.signal.ClusterSignalRoutes;
import dev.parley.rtc.signal.MediaState;
import dev.parley.rtc.signal.Replies;
import dev.parley.rtc.signal.RoomHome;
import dev.parley.rtc.signal.SignalConfig;
import dev.parley.rtc.signal.SignalMetrics;
import dev.parley.rtc.signal.SignalRoutes;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.util.concurrent.DefaultEventExecutor;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import java.util.Collection;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Call and room signaling on IM sessions: registers the call and room frame handlers with the IM
 * gateway, hears sessions come and go ({@link SignalRoutes}), and adds ICE servers to the login
 * answer. It checks what needs no state on the session's event loop and hands the rest to the
 * calls ({@code dev.parley.rtc.call}) and rooms ({@code dev.parley.rtc.room}) on its executor.
 *
 * <p>Threading: all call and room state lives on one single-threaded executor of its own. A call
 * joins sessions on different event loops (caller and callee), and busy detection, "first accept
 * wins" and room capacity are decisions across sessions; one owner thread makes each of them a
 * plain read-then-write with no locks and no races, and the work per frame is a map lookup and a
 * hand-off, far below what one thread can do. Order: a session's frames arrive on its event loop
 * in order and are handed to the executor in that order (FIFO); the executor hands each relayed
 * frame to the receiver's event loop, again FIFO, so the frames of one sender reach each peer in
 * the order sent.
 */
public final class Signaling implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Signaling.class);

  private final EventExecutor loop = new DefaultEventExecutor(new DefaultThreadFactory("parley-rtc-signal", true));
  private final SignalConfig config;
  private final SignalMetrics metrics;
  private final Calls calls;
  private final CallRequests requests;
  private final Rooms rooms;
  private final RoomRouter roomFrames;
  private final CallHome home;

  /**
   * Registers with {@code gateway} (frames of this node's sessions, the login answer) and reaches
   * sessions through {@code routes}; frames of calls held on another node go there through
   * {@code home}, those of rooms held on another node through {@code roomHome}; who is busy in
   * other nodes' calls comes from {@code busy}; every timer runs on {@code time}.
   */
  Signaling(ImGateway gateway, SignalRoutes routes, CallHome home, RoomHome roomHome, CallBusy busy, SignalConfig config,
      MeterRegistry registry, TimeSource time, TokenService tokens) {
    this.config = config;
    this.metrics = new SignalMetrics(registry);
    CallMetrics callMetrics = new CallMetrics(registry);
    this.calls = new Calls(loop, gateway, config, callMetrics, time, home.idSuffix());
    calls.tellBusy(busy);
    this.requests = new CallRequests(calls, routes, config, callMetrics, metrics, time);
    CallSessions sessions = new CallSessions(calls, config, callMetrics, time);
    this.rooms = new Rooms(loop, config, metrics, new RoomMetrics(registry), time, tokens);
    this.roomFrames = new RoomRouter(rooms, roomHome, this::run, metrics,
        s -> routes.sessionsOf(s.user()).stream().anyMatch(o -> o.sessionId().equals(s.sessionId())));
    this.home = home;
    gateway.handle(Frame.BodyCase.CALL_INVITE, this::dispatch);
    gateway.handle(Frame.BodyCase.CALL_ACCEPT, (s, f) -> toHome(s, f, f.getCallAccept().getCallId()));
    gateway.handle(Frame.BodyCase.CALL_REJECT, (s, f) -> toHome(s, f, f.getCallReject().getCallId()));
    gateway.handle(Frame.BodyCase.CALL_CANCEL, (s, f) -> toHome(s, f, f.getCallCancel().getCallId()));
    gateway.handle(Frame.BodyCase.CALL_HANGUP, (s, f) -> toHome(s, f, f.getCallHangup().getCallId()));
    gateway.handle(Frame.BodyCase.SIGNAL, this::signal);
    gateway.handle(Frame.BodyCase.ROOM_JOIN, this::dispatch);
    gateway.handle(Frame.BodyCase.ROOM_LEAVE, this::dispatch);
    home.receive(this::forwardedHere);
    for (Frame.BodyCase serverOnly : new Frame.BodyCase[] {Frame.BodyCase.CALL_RING, Frame.BodyCase.CALL_STATE,
        Frame.BodyCase.CALL_STOP_RINGING, Frame.BodyCase.ROOM_JOINED, Frame.BodyCase.ROOM_EVENT}) {
      gateway.handle(serverOnly, (s, f) -> refuse(s, f.getReq(), ErrorCode.ERROR_CODE_BAD_REQUEST,
          f.getBodyCase().name().toLowerCase(Locale.ROOT) + " is sent by the server, not a request"));
    }
    routes.addSessionListener(new ImGateway.SessionListener() {
      @Override
      public void opened(ImSession session) {
        run(() -> sessions.opened(session));
      }

      @Override
      public void closed(ImSession session) {
        run(() -> {
          sessions.closed(session);
          rooms.closed(session);
          roomFrames.closed(session);
        });
      }
    });
  }

  /**
   * What this node's sessions in rooms other nodes hold need heard: those nodes' answers to the
   * joins forwarded there, and which nodes are alive (the rooms of nodes gone are gone).
   */
  ClusterSignalRoutes.Relays roomRelays() {
    return new ClusterSignalRoutes.Relays() {
      @Override
      public void relayed(String from, ImSession to, Frame frame) {
        if (frame.hasError() || frame.hasRoomJoined()) {
          run(() -> roomFrames.answered(to, frame));
        }
      }

      @Override
      public void alive(Collection<String> nodes) {
        run(() -> roomFrames.nodesAlive(nodes));
      }
    };
  }

  /** Puts {@code ice}'s STUN/TURN servers with fresh credentials into every login answer. */
  static void addIceServers(ImGateway gateway, IceServers ice) {
    gateway.addLoginDecorator((user, ok) -> {
      IceServers.IceConfig c = ice.forUser(user, null);
      for (IceServers.IceServer s : c.iceServers()) {
        IceServer.Builder b = IceServer.newBuilder().addAllUrls(s.urls());
        if (s.username() != null) {
          b.setUsername(s.username()).setCredential(s.credential());
        }
        ok.addIceServers(b);
      }
      ok.setIceExpiresAt(c.expiresAt().toEpochMilli());
    });
  }

  /** A frame of a call: to the node that holds the call, or handled here. */
  private void toHome(ImSession s, Frame f, String callId) {
    if (!home.forwarded(s, f, callId)) {
      dispatch(s, f);
    }
  }

  /**
   * Hands a request to the calls or rooms on the executor, in the order the session sent it: from
   * a session's event loop, or from the bus thread for a frame another node forwarded here (its
   * signal already checked there).
   */
  private void dispatch(ImSession s, Frame f) {
    int req = f.getReq();
    switch (f.getBodyCase()) {
      case CALL_INVITE -> run(() -> requests.invite(s, req, f.getCallInvite()));
      case CALL_ACCEPT -> run(() -> requests.accept(s, req, f.getCallAccept()));
      case CALL_REJECT -> run(() -> requests.reject(s, req, f.getCallReject()));
      case CALL_CANCEL -> run(() -> requests.cancel(s, req, f.getCallCancel()));
      case CALL_HANGUP -> run(() -> requests.hangup(s, req, f.getCallHangup()));
      case SIGNAL -> run(() -> requests.signal(s, req, f.getSignal()));
      case ROOM_JOIN, ROOM_LEAVE -> run(() -> roomFrames.fromHere(s, f));
      default -> log.warn("signaling: no handler for {} from {}", f.getBodyCase(), s.user());
    }
  }

  /**
   * On the bus thread: a frame another node forwarded here, of a call or room this node holds
   * (its signal already checked there).
   */
  private void forwardedHere(ImSession s, Frame f) {
    if (f.hasRoomJoin() || f.hasRoomLeave() || f.hasSignal() && f.getSignal().getCallId().isEmpty()) {
      run(() -> roomFrames.forwarded(s, f));
    } else {
      dispatch(s, f);
    }
  }

  /** Session event loop: checks what needs no state, then hands the signal to the executor. */
  private void signal(ImSession s, Frame f) {
    Signal signal = f.getSignal();
    int req = f.getReq();
    if (signal.getCallId().isEmpty() == signal.getRoom().isEmpty()) {
      refuse(s, req, ErrorCode.ERROR_CODE_BAD_REQUEST, "signal needs exactly one of call_id and room");
    } else if (signal.getKind() == SignalKind.SIGNAL_KIND_UNSPECIFIED || signal.getKind() == SignalKind.UNRECOGNIZED) {
      refuse(s, req, ErrorCode.ERROR_CODE_BAD_REQUEST, "signal.kind must be OFFER, ANSWER, CANDIDATE, CUSTOM or MEDIA");
    } else if (signal.getPayloadBytes().size() > config.maxPayload()) {
      refuse(s, req, ErrorCode.ERROR_CODE_MESSAGE_TOO_LARGE, "signal.payload is over " + config.maxPayload() + " bytes");
    } else if (signal.getKind() == SignalKind.SIGNAL_KIND_MEDIA) {
      String problem = MediaState.problem(signal.getPayload());
      if (problem != null) {
        refuse(s, req, ErrorCode.ERROR_CODE_BAD_REQUEST, problem);
      } else {
        relay(s, f);
      }
    } else {
      relay(s, f);
    }
  }

  /** Hands a checked signal to its room or call, in the order the session sent it. */
  private void relay(ImSession s, Frame f) {
    Signal signal = f.getSignal();
    if (signal.getCallId().isEmpty()) {
      run(() -> roomFrames.fromHere(s, f));
    } else {
      toHome(s, f, signal.getCallId());
    }
  }

  private void refuse(ImSession s, int req, ErrorCode code, String message) {
    metrics.refused();
    Replies.refuse(s, req, code, message);
  }

  private void run(Runnable task) {
    loop.execute(() -> {
      try {
        task.run();
      } catch (RuntimeException e) {
        log.error("signaling task failed", e);
      }
    });
  }

  /** Calls held now (ringing or answered). */
  public int calls() {
    return onLoop(calls::count);
  }

  /** Rooms held now. */
  public int rooms() {
    return onLoop(rooms::count);
  }

  private int onLoop(IntSupplier f) {
    try {
      return loop.submit(f::getAsInt).get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Shutdown: ends every call (with records) while IM still runs. */
  public void drain() {
    try {
      loop.submit(() -> calls.endAll(CallEndReason.CALL_END_REASON_SHUTDOWN)).get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("could not end calls at shutdown: {}", e.toString());
    }
  }

  @Override
  public void close() {
    loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }
}
