package dev.parley.im.net;

import dev.parley.im.delivery.Unacked;
import dev.parley.im.handler.Caller;
import dev.parley.im.login.LoginCandidate;
import dev.parley.im.session.Session;
import dev.parley.im.session.SessionInfo;
import dev.parley.im.store.StoredMessage;
import dev.parley.im.wire.ErrorFrames;
import dev.parley.im.wire.OutFrame;
import dev.parley.im.wire.WireFormat;
import dev.parley.protocol.im.Ack;
import dev.parley.protocol.im.ErrorCode;
import dev.parley.protocol.im.Frame;
import dev.parley.protocol.im.GoAway;
import dev.parley.protocol.im.KickReason;
import dev.parley.protocol.im.Kicked;
import dev.parley.protocol.im.Platform;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One IM connection, TCP or WebSocket, and the session it becomes once logged in: its state, the
 * timestamps its {@link Deadlines} are measured from, and everything written to it. The login
 * itself is {@code login.Logins}'s, the requests and their rate limit are
 * {@code handler.RequestHandler}'s. All its state belongs to its event loop; the {@link Session}
 * methods that say "any thread" hop onto it.
 *
 * <p>Everything written to it, pushes and answers alike, is held to {@code im.max-outbound-bytes}
 * of unread bytes (beyond that it is closed as a slow consumer), and frames sent from other
 * threads are flushed once per pass of the event loop, not once each.
 *
 * <p>When the server shuts down it is told {@link GoAway} and keeps serving (every request it had
 * sent is answered) until the client closes or the shutdown grace runs out.
 */
final class ImConnection extends ChannelInboundHandlerAdapter
    implements Caller, LoginCandidate, Sweeper.Swept, Unacked.Link {
  private static final Logger log = LoggerFactory.getLogger(ImConnection.class);
  private static final AtomicLong SESSION_IDS = new AtomicLong((System.currentTimeMillis() / 1000) << 24);
  private static final byte NEW = 0;
  private static final byte LIVE = 1;
  private static final byte CLOSING = 2;

  private final ConnectionContext cx;
  private WireFormat format;
  private Channel channel;
  private byte state = NEW;
  private int sweepIndex = -1;
  private long openedNanos;
  private long lastReadNanos;
  private String user;
  private String deviceId;
  private Platform platform;
  private long sessionId;
  private long connectedAt;
  /** The token's expiry plus the clock skew the login allowed: past it the session is kicked. */
  private long tokenValidUntil;
  /** The request budget ({@link Caller#rateTat()}). */
  private long rateTat;
  private Unacked unacked;
  private Set<String> presenceSubscriptions;
  private boolean goingAway;
  private boolean flushQueued;
  private final Runnable flushTask = () -> {
    flushQueued = false;
    channel.flush();
  };

  ImConnection(ConnectionContext cx, WireFormat format) {
    this.cx = cx;
    this.format = format;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    channel = ctx.channel();
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    start();
    ctx.fireChannelActive();
  }

  /** Starts the timers (WebSocket: the channel is already active when this handler arrives). */
  void start() {
    if (openedNanos != 0) {
      return;
    }
    openedNanos = cx.time().nanoTime();
    lastReadNanos = openedNanos;
    connectedAt = cx.time().millis();
    cx.metrics().connections(format).incrementAndGet();
    cx.sweeper().add(channel.eventLoop(), this);
    cx.open().opened(this);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (openedNanos != 0) {
      cx.metrics().connections(format).decrementAndGet();
      cx.sweeper().remove(channel.eventLoop(), this);
      cx.open().closed(this);
    }
    if (unacked != null) {
      unacked.cancel();
    }
    if (user != null && state != NEW) {
      cx.sessions().closed(this);
    }
    state = CLOSING;
    ctx.fireChannelInactive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    lastReadNanos = cx.time().nanoTime();
    if (state == CLOSING) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof Frame frame) {
      if (state == NEW) {
        if (goingAway) {
          fail(frame.getReq(), ErrorCode.ERROR_CODE_SHUTTING_DOWN, "the server is shutting down; reconnect");
        } else if (frame.hasLogin()) {
          cx.logins().login(this, frame.getReq(), frame.getLogin());
        } else {
          fail(frame.getReq(), ErrorCode.ERROR_CODE_NOT_LOGGED_IN, "log in first");
        }
      } else {
        cx.requests().handle(this, frame);
      }
    } else if (msg == Inbound.HEARTBEAT) {
      WireWrites.heartbeat(channel, format);
    } else if (msg == Inbound.ACTIVITY) {
      return;
    } else if (msg instanceof Inbound.Malformed bad) {
      fail(0, bad.code(), bad.message());
    } else if (msg instanceof WireFormat f) {
      // The WebSocket handler reports which kind of message the client speaks.
      format = f;
    } else {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public InetAddress remoteIp() {
    return channel.remoteAddress() instanceof InetSocketAddress a ? a.getAddress() : null;
  }

  @Override
  public Session loggedIn(String user, String deviceId, Platform platform, long tokenValidUntil) {
    this.user = user;
    this.deviceId = deviceId;
    this.platform = platform;
    this.tokenValidUntil = tokenValidUntil;
    sessionId = SESSION_IDS.incrementAndGet();
    state = LIVE;
    // The request budget starts full at login.
    rateTat = cx.time().nanoTime();
    log.debug("{} logged in as {} device {} ({})", channel, user, deviceId, platform);
    return this;
  }

  @Override
  public void fail(int req, ErrorCode code, String message) {
    log.debug("{} closing: {} {}", channel, code, message);
    sendAndClose(ErrorFrames.error(req, code, message, 0));
  }

  @Override
  public long rateTat() {
    return rateTat;
  }

  @Override
  public void rateTat(long tat) {
    rateTat = tat;
  }

  @Override
  public void acked(Ack ack) {
    if (unacked != null) {
      unacked.ack(ack);
    }
  }

  @Override
  public Set<String> presenceSubscriptions() {
    if (presenceSubscriptions == null) {
      presenceSubscriptions = new HashSet<>();
    }
    return presenceSubscriptions;
  }

  @Override
  public Set<String> presenceSubscriptionsOrNull() {
    return presenceSubscriptions;
  }

  @Override
  public void sweep(long nowNanos, long nowMillis) {
    if (state == NEW) {
      cx.deadlines().checkLogin(this, openedNanos, nowNanos);
    } else if (state == LIVE) {
      cx.deadlines().checkSession(this, lastReadNanos, tokenValidUntil, nowNanos, nowMillis);
    }
  }

  @Override
  public int sweepIndex() {
    return sweepIndex;
  }

  @Override
  public void sweepIndex(int index) {
    sweepIndex = index;
  }

  @Override
  public String user() {
    return user;
  }

  @Override
  public String deviceId() {
    return deviceId;
  }

  @Override
  public Platform platform() {
    return platform;
  }

  @Override
  public long openedNanos() {
    return openedNanos;
  }

  @Override
  public String sessionId() {
    return Long.toString(sessionId, 36);
  }

  @Override
  public EventLoop eventLoop() {
    return channel.eventLoop();
  }

  @Override
  public void push(OutFrame frame, List<StoredMessage> messages) {
    if (state != LIVE) {
      return;
    }
    if (unacked == null) {
      unacked = new Unacked(this, cx.settings().maxUnacked(), cx.settings().ackTimeout(), cx.time(),
          cx.metrics().resends);
    }
    if (!unacked.pushed(messages)) {
      return;
    }
    cx.metrics().messagesOut.increment(messages.size());
    write(frame);
  }

  @Override
  public void write(OutFrame frame) {
    if (state == CLOSING) {
      return;
    }
    if (!channel.isWritable() && WireWrites.pendingBytes(channel) > cx.settings().maxOutboundBytes()) {
      slowConsumer("more than " + cx.settings().maxOutboundBytes() + " bytes waiting to be read");
      return;
    }
    channel.write(WireWrites.encode(format, frame.bytes(format)), channel.voidPromise());
  }

  /** Event loop: closes the connection as a slow consumer (it syncs what it missed on reconnect). */
  @Override
  public void slowConsumer(String why) {
    if (state == CLOSING) {
      return;
    }
    cx.metrics().slowConsumers.increment();
    log.info("{} user {}: slow consumer ({}); closing", channel, user, why);
    fail(0, ErrorCode.ERROR_CODE_SLOW_CONSUMER, "slow consumer: " + why);
  }

  @Override
  public void flush() {
    channel.flush();
  }

  @Override
  public boolean isActive() {
    return channel.isActive();
  }

  /**
   * Any thread: writes {@code frame} under the same outbound bound as every other write, and
   * flushes once the event loop has run what is queued for it (so a burst of frames from other
   * threads costs one flush).
   */
  @Override
  public void send(Frame frame) {
    if (channel.eventLoop().inEventLoop()) {
      if (state != CLOSING) {
        write(new OutFrame(frame));
        flushSoon();
      }
    } else {
      channel.eventLoop().execute(() -> send(frame));
    }
  }

  private void flushSoon() {
    if (!flushQueued) {
      flushQueued = true;
      channel.eventLoop().execute(flushTask);
    }
  }

  @Override
  public void sendAndClose(Frame frame) {
    if (state == CLOSING) {
      return;
    }
    state = CLOSING;
    WireWrites.lastAndClose(channel, format, WireWrites.encode(format, frame));
  }

  @Override
  public void kick(KickReason reason, String message) {
    if (channel.eventLoop().inEventLoop()) {
      kickNow(reason, message);
    } else {
      channel.eventLoop().execute(() -> kickNow(reason, message));
    }
  }

  private void kickNow(KickReason reason, String message) {
    log.info("{} user {} device {} kicked: {} ({})", channel, user, deviceId, reason, message);
    sendAndClose(Frame.newBuilder().setKicked(Kicked.newBuilder().setReason(reason).setMessage(message)).build());
  }

  @Override
  public SessionInfo info() {
    return new SessionInfo(sessionId(), user, deviceId, SessionInfo.platformName(platform),
        format == WireFormat.TCP ? "tcp" : "websocket", String.valueOf(channel.remoteAddress()), connectedAt);
  }

  /**
   * Any thread: tells the client the server is going away. The connection stays open and keeps
   * answering what the client sends, so nothing the client had sent goes unanswered, until the
   * client closes it or {@link #closeNow()} ends it; a login arriving now is refused.
   */
  void goAway(int reconnectAfterMs) {
    channel.eventLoop().execute(() -> {
      if (state == CLOSING || goingAway) {
        return;
      }
      goingAway = true;
      channel.writeAndFlush(WireWrites.encode(format, Frame.newBuilder().setGoAway(GoAway.newBuilder()
          .setReconnectAfterMs(reconnectAfterMs).setMessage("server shutting down; reconnect")).build()),
          channel.voidPromise());
    });
  }

  /** Any thread: the shutdown grace is over; closes the connection (a WebSocket with 1001). */
  void closeNow() {
    channel.eventLoop().execute(() -> {
      state = CLOSING;
      WireWrites.closeNow(channel, format);
    });
  }

  /**
   * Event loop: the WebSocket message just refused was over {@code im.max-frame-size}; the Error
   * that says so, in the kind of message the client last used (binary if it sent none), to go out
   * before the close. Nothing else is written after it.
   */
  Object frameTooLargeError() {
    state = CLOSING;
    return WireWrites.encode(format, ErrorFrames.error(0, ErrorCode.ERROR_CODE_FRAME_TOO_LARGE,
        "WebSocket message exceeds the limit of " + cx.settings().maxFrameBytes() + " bytes", 0));
  }

  Channel channel() {
    return channel;
  }

  @Override
  public String toString() {
    return "session " + sessionId() + " of " + user + " (" + deviceId + ")";
  }
}
