package dev.parley.im.net;

import dev.parley.core.auth.TokenException;
import dev.parley.core.auth.VerifiedToken;
import dev.parley.im.ImService;
import dev.parley.im.delivery.Unacked;
import dev.parley.im.presence.PresenceHub;
import dev.parley.im.session.Session;
import dev.parley.im.session.SessionInfo;
import dev.parley.protocol.ProtocolVersion;
import dev.parley.protocol.im.Ack;
import dev.parley.protocol.im.Error;
import dev.parley.protocol.im.ErrorCode;
import dev.parley.protocol.im.Frame;
import dev.parley.protocol.im.GoAway;
import dev.parley.protocol.im.KickReason;
import dev.parley.protocol.im.Kicked;
import dev.parley.protocol.im.Login;
import dev.parley.protocol.im.LoginOk;
import dev.parley.im.store.StoredMessage;
import dev.parley.protocol.im.Platform;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One IM connection, TCP or WebSocket: login, heartbeats, timers, rate limit, and the session it
 * becomes once logged in. All its state belongs to its event loop; the {@link Session} methods
 * that say "any thread" hop onto it.
 *
 * <p>Everything written to it, pushes and answers alike, is held to {@code im.max-outbound-bytes}
 * of unread bytes (beyond that it is closed as a slow consumer), and frames sent from other
 * threads are flushed once per pass of the event loop, not once each.
 *
 * <p>When the server shuts down it is told {@link GoAway} and keeps serving (every request it had
 * sent is answered) until the client closes or the shutdown grace runs out.
 */
public final class ImConnection extends ChannelInboundHandlerAdapter
    implements Session, Sweeper.Swept, Unacked.Link, PresenceHub.Follower {
  private static final Logger log = LoggerFactory.getLogger(ImConnection.class);
  private static final AtomicLong SESSION_IDS = new AtomicLong((System.currentTimeMillis() / 1000) << 24);
  private static final byte NEW = 0;
  private static final byte LIVE = 1;
  private static final byte CLOSING = 2;

  private final ImService im;
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
  /** GCRA rate limiter: the theoretical arrival time of the next allowed request. */
  private long rateTat;
  private Unacked unacked;
  private Set<String> presenceSubscriptions;
  private boolean goingAway;
  private boolean flushQueued;
  private final Runnable flushTask = () -> {
    flushQueued = false;
    channel.flush();
  };

  public ImConnection(ImService im, WireFormat format) {
    this.im = im;
    this.format = format;
  }

  // ---------------------------------------------------------------------------------------------
  // Channel events

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    channel = ctx.channel();
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    start();
    ctx.fireChannelActive();
  }

  /** Starts the timers; for WebSocket the channel is already active when this handler arrives. */
  public void start() {
    if (openedNanos != 0) {
      return;
    }
    openedNanos = im.time().nanoTime();
    lastReadNanos = openedNanos;
    connectedAt = im.time().millis();
    im.metrics().connections(format).incrementAndGet();
    im.sweeper().add(channel.eventLoop(), this);
    im.connections().opened(this);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (openedNanos != 0) {
      im.metrics().connections(format).decrementAndGet();
      im.sweeper().remove(channel.eventLoop(), this);
      im.connections().closed(this);
    }
    if (unacked != null) {
      unacked.cancel();
    }
    if (user != null && state != NEW) {
      im.sessionClosed(this);
    }
    state = CLOSING;
    ctx.fireChannelInactive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    lastReadNanos = im.time().nanoTime();
    if (state == CLOSING) {
      io.netty.util.ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof Frame frame) {
      if (state == NEW) {
        if (goingAway) {
          fail(frame.getReq(), ErrorCode.ERROR_CODE_SHUTTING_DOWN, "the server is shutting down; reconnect");
        } else if (frame.hasLogin()) {
          login(frame.getReq(), frame.getLogin());
        } else {
          fail(frame.getReq(), ErrorCode.ERROR_CODE_NOT_LOGGED_IN, "log in first");
        }
      } else {
        im.requests().handle(this, frame);
      }
    } else if (msg == Inbound.HEARTBEAT) {
      writeHeartbeat();
    } else if (msg == Inbound.ACTIVITY) {
      return;
    } else if (msg instanceof Inbound.Malformed bad) {
      fail(0, bad.code(), bad.message());
    } else if (msg instanceof WireFormat f) {
      // The WebSocket handler reports which kind of message the client speaks.
      format = f;
    } else {
      io.netty.util.ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    ctx.fireChannelWritabilityChanged();
  }

  // ---------------------------------------------------------------------------------------------
  // Login

  private void login(int req, Login login) {
    if (!ProtocolVersion.isSupported(login.getProtocolVersion())) {
      im.metrics().loginsFailed.increment();
      fail(req, ErrorCode.ERROR_CODE_UNSUPPORTED_VERSION, "protocol version " + login.getProtocolVersion()
          + " is not supported; this server speaks " + ProtocolVersion.MIN_SUPPORTED + ".." + ProtocolVersion.CURRENT);
      return;
    }
    long wait = im.loginLimiter().acquire(remoteIp());
    if (wait > 0) {
      im.metrics().loginsFailed.increment();
      im.metrics().rateLimited.increment();
      sendAndClose(error(req, ErrorCode.ERROR_CODE_RATE_LIMITED, "too many logins from this address", wait));
      return;
    }
    String device = login.getDeviceId();
    if (device.isEmpty() || device.length() > 128) {
      im.metrics().loginsFailed.increment();
      fail(req, ErrorCode.ERROR_CODE_BAD_REQUEST, "device_id must be 1-128 characters");
      return;
    }
    VerifiedToken token;
    try {
      token = im.tokens().verify(login.getToken());
    } catch (TokenException e) {
      im.metrics().loginsFailed.increment();
      fail(req, e.reason() == TokenException.Reason.EXPIRED ? ErrorCode.ERROR_CODE_TOKEN_EXPIRED
          : ErrorCode.ERROR_CODE_INVALID_TOKEN, e.getMessage());
      return;
    }
    user = token.userId();
    deviceId = device;
    platform = login.getPlatform();
    tokenValidUntil = im.tokens().validUntil(token.expiresAt()).toEpochMilli();
    sessionId = SESSION_IDS.incrementAndGet();
    state = LIVE;
    rateTat = im.time().nanoTime();
    im.metrics().loginsOk.increment();
    LoginOk.Builder ok = LoginOk.newBuilder()
        .setUserId(user)
        .setSessionId(sessionId())
        .setIdleTimeoutMs((int) im.settings().idleTimeout().toMillis())
        .setMaxHeartbeatIntervalMs((int) im.settings().heartbeatMax().toMillis())
        .setServerTime(im.time().millis())
        .setMaxMessageBytes(im.settings().maxMessageBytes());
    im.gateway().decorate(user, ok);
    // Registered before LoginOk is sent: whatever commits after the client hears LoginOk is pushed.
    im.sessionOpened(this);
    send(Frame.newBuilder().setReq(req).setLoginOk(ok).build());
    log.debug("{} logged in as {} device {} ({})", channel, user, deviceId, platform);
  }

  // ---------------------------------------------------------------------------------------------
  // Requests

  /**
   * Event loop: takes one request from the rate budget; false (after answering RATE_LIMITED) when
   * the connection is over its rate.
   */
  public boolean admit(int req) {
    long now = im.time().nanoTime();
    long interval = 1_000_000_000L / im.settings().ratePerSecond();
    long tolerance = interval * im.settings().rateBurst();
    long tat = Math.max(rateTat, now);
    if (tat - now > tolerance) {
      im.metrics().rateLimited.increment();
      long retry = (tat - now - tolerance) / 1_000_000L + 1;
      send(error(req, ErrorCode.ERROR_CODE_RATE_LIMITED, "too many requests", retry));
      return false;
    }
    rateTat = tat + interval;
    return true;
  }

  /** Event loop: a cumulative acknowledgement from the device. */
  public void onAck(int req, Ack ack) {
    im.metrics().acks.increment();
    if (unacked != null) {
      unacked.ack(ack);
    }
    im.deliveryCursors().acked(this, req, ack);
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

  /** Answers {@code req} with an error, keeping the connection. */
  public void refuse(int req, ErrorCode code, String message) {
    send(error(req, code, message, 0));
  }

  /** Answers with an error and closes the connection. */
  public void fail(int req, ErrorCode code, String message) {
    log.debug("{} closing: {} {}", channel, code, message);
    sendAndClose(error(req, code, message, 0));
  }

  static Frame error(int req, ErrorCode code, String message, long retryAfterMs) {
    Error.Builder e = Error.newBuilder().setCode(code).setMessage(message);
    if (retryAfterMs > 0) {
      e.setRetryAfterMs((int) Math.min(Integer.MAX_VALUE, retryAfterMs));
    }
    return Frame.newBuilder().setReq(req).setError(e).build();
  }

  // ---------------------------------------------------------------------------------------------
  // Timers

  @Override
  public void sweep(long nowNanos, long nowMillis) {
    if (state == CLOSING) {
      return;
    }
    if (state == NEW) {
      if (nowNanos - openedNanos > im.settings().loginTimeout().toNanos()) {
        fail(0, ErrorCode.ERROR_CODE_LOGIN_TIMEOUT, "no login within " + im.settings().loginTimeout().toMillis() + " ms");
      }
      return;
    }
    if (nowNanos - lastReadNanos > im.settings().idleTimeout().toNanos()) {
      fail(0, ErrorCode.ERROR_CODE_IDLE_TIMEOUT, "nothing received for " + im.settings().idleTimeout().toMillis()
          + " ms (heartbeat at least every " + im.settings().heartbeatMax().toMillis() + " ms)");
    } else if (nowMillis > tokenValidUntil) {
      kickNow(KickReason.KICK_REASON_TOKEN_EXPIRED, "the session's token expired; log in with a new one");
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

  // ---------------------------------------------------------------------------------------------
  // Session

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
      unacked = new Unacked(this, im.settings().maxUnacked(), im.settings().ackTimeout(), im.time(),
          im.metrics().resends);
    }
    if (!unacked.pushed(messages)) {
      return;
    }
    im.metrics().messagesOut.increment(messages.size());
    write(frame);
  }

  @Override
  public void write(OutFrame frame) {
    if (state == CLOSING) {
      return;
    }
    if (!channel.isWritable() && pendingBytes() > im.settings().maxOutboundBytes()) {
      slowConsumer("more than " + im.settings().maxOutboundBytes() + " bytes waiting to be read");
      return;
    }
    channel.write(encode(frame.bytes(format)), channel.voidPromise());
  }

  /** Event loop: closes the connection as a slow consumer (it syncs what it missed on reconnect). */
  public void slowConsumer(String why) {
    if (state == CLOSING) {
      return;
    }
    im.metrics().slowConsumers.increment();
    log.info("{} user {}: slow consumer ({}); closing", channel, user, why);
    fail(0, ErrorCode.ERROR_CODE_SLOW_CONSUMER, "slow consumer: " + why);
  }

  private long pendingBytes() {
    ChannelOutboundBuffer out = channel.unsafe().outboundBuffer();
    return out == null ? 0 : out.totalPendingWriteBytes();
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

  private void sendAndClose(Frame frame) {
    if (state == CLOSING) {
      return;
    }
    state = CLOSING;
    if (format == WireFormat.TCP) {
      channel.writeAndFlush(encode(new OutFrame(frame).bytes(format))).addListener(ChannelFutureListener.CLOSE);
    } else {
      // A WebSocket ends with a close handshake; the reason is in the frame before it.
      channel.write(encode(new OutFrame(frame).bytes(format)), channel.voidPromise());
      channel.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE))
          .addListener(ChannelFutureListener.CLOSE);
    }
  }

  private void writeHeartbeat() {
    if (format == WireFormat.TCP) {
      channel.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {0}), channel.voidPromise());
    } else if (format == WireFormat.WS_JSON) {
      channel.writeAndFlush(new TextWebSocketFrame(Unpooled.EMPTY_BUFFER), channel.voidPromise());
    } else {
      channel.writeAndFlush(new BinaryWebSocketFrame(Unpooled.EMPTY_BUFFER), channel.voidPromise());
    }
  }

  private Object encode(byte[] bytes) {
    switch (format) {
      case TCP:
        return Unpooled.wrappedBuffer(bytes);
      case WS_BINARY:
        return new BinaryWebSocketFrame(Unpooled.wrappedBuffer(bytes));
      default:
        return new TextWebSocketFrame(Unpooled.wrappedBuffer(bytes));
    }
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

  /**
   * Any thread: tells the client the server is going away. The connection stays open and keeps
   * answering what the client sends, so nothing the client had sent goes unanswered, until the
   * client closes it or {@link #closeNow()} ends it; a login arriving now is refused.
   */
  public void goAway(int reconnectAfterMs) {
    channel.eventLoop().execute(() -> {
      if (state == CLOSING || goingAway) {
        return;
      }
      goingAway = true;
      channel.writeAndFlush(encode(new OutFrame(Frame.newBuilder().setGoAway(GoAway.newBuilder()
          .setReconnectAfterMs(reconnectAfterMs).setMessage("server shutting down; reconnect")).build())
          .bytes(format)), channel.voidPromise());
    });
  }

  /** Any thread: the shutdown grace is over; closes the connection (a WebSocket with 1001). */
  public void closeNow() {
    channel.eventLoop().execute(() -> {
      state = CLOSING;
      if (format == WireFormat.TCP) {
        channel.close();
      } else {
        channel.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.ENDPOINT_UNAVAILABLE))
            .addListener(ChannelFutureListener.CLOSE);
      }
    });
  }

  /**
   * Event loop: the WebSocket message just refused was over {@code im.max-frame-size}; the Error
   * that says so, in the kind of message the client last used (binary if it sent none), to go out
   * before the close. Nothing else is written after it.
   */
  Object frameTooLargeError() {
    state = CLOSING;
    return encode(new OutFrame(error(0, ErrorCode.ERROR_CODE_FRAME_TOO_LARGE, "WebSocket message exceeds the limit of "
        + im.settings().maxFrameBytes() + " bytes", 0)).bytes(format));
  }

  /** Event loop: ends the session at the client's request (Logout). */
  public void logout(int req) {
    sendAndClose(Frame.newBuilder().setReq(req).setOk(dev.parley.protocol.im.Ok.getDefaultInstance()).build());
  }

  @Override
  public SessionInfo info() {
    return new SessionInfo(sessionId(), user, deviceId, platformName(), format == WireFormat.TCP ? "tcp" : "websocket",
        String.valueOf(channel.remoteAddress()), connectedAt);
  }

  private String platformName() {
    return platform == null ? "unspecified" : platform.name().substring("PLATFORM_".length()).toLowerCase(java.util.Locale.ROOT);
  }

  public Channel channel() {
    return channel;
  }

  private java.net.InetAddress remoteIp() {
    return channel.remoteAddress() instanceof InetSocketAddress a ? a.getAddress() : null;
  }

  @Override
  public String toString() {
    return "session " + sessionId() + " of " + user + " (" + deviceId + ")";
  }
}
