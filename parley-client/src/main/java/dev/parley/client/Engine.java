package dev.parley.client;

import dev.parley.client.ConnectionEvent.Cause;
import dev.parley.client.heartbeat.HeartbeatPolicy;
import dev.parley.client.net.IoLoop;
import dev.parley.client.net.Link;
import dev.parley.client.net.TcpLink;
import dev.parley.client.net.WebSocketLinks;
import dev.parley.client.time.Cancellable;
import dev.parley.client.time.Scheduler;
import dev.parley.protocol.ProtocolVersion;
import dev.parley.protocol.im.Error;
import dev.parley.protocol.im.ErrorCode;
import dev.parley.protocol.im.Frame;
import dev.parley.protocol.im.Login;
import dev.parley.protocol.im.LoginOk;
import dev.parley.protocol.im.Logout;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The connection state machine of one client: connect, log in, heartbeat, notice a dead link,
 * reconnect with backoff, stay down after logout or a kick. Everything runs on the client's I/O
 * loop; the public methods of {@link ParleyClient} hop onto it.
 */
final class Engine implements Link.LinkListener {
  private static final Logger log = Logger.getLogger(Engine.class.getName());

  final ClientConfig cfg;
  final Listeners listeners;
  final IoLoop loop;
  final Executor blocking;
  final Requests requests = new Requests();
  final SendQueue sends;
  final Receiver receiver;
  final Calls calls;
  final PresenceFollows presence;
  private final ClientRuntime runtime;
  private final Scheduler scheduler;
  private final HeartbeatPolicy heartbeat;

  private ConnectionState state = ConnectionState.OFFLINE;
  /** The app wants the client offline (disconnect, logout, kick, refused token): no reconnect. */
  private boolean stopped = true;
  private boolean closed;
  private Link link;
  private int attempt;
  private int failures;
  private long goAwayDelay = -1;
  private String userId;
  private java.util.List<dev.parley.protocol.im.IceServer> iceServers = java.util.List.of();
  private String sessionId;
  private long serverMaxHeartbeat;
  private Cancellable connectTimer = Cancellable.NONE;
  private Cancellable loginTimer = Cancellable.NONE;
  private Cancellable retryTimer = Cancellable.NONE;
  private Cancellable heartbeatTimer = Cancellable.NONE;
  private Cancellable heartbeatTimeout = Cancellable.NONE;
  private long lastWriteAt;
  private long lastReadAt;
  /** When the unanswered heartbeat went out, or -1. */
  private long heartbeatSentAt = -1;
  private long heartbeatIdle;
  private int logins;
  /** The token of the attempt under way, until the login is sent. */
  private String pendingToken;

  Engine(ClientConfig cfg, ClientRuntime runtime, Listeners listeners) {
    this.cfg = cfg;
    this.runtime = runtime;
    this.listeners = listeners;
    this.loop = runtime.nextLoop();
    this.blocking = runtime.blocking();
    this.scheduler = runtime.scheduler();
    this.heartbeat = cfg.heartbeat;
    this.sends = new SendQueue(this);
    this.receiver = new Receiver(this);
    this.calls = new Calls(this);
    this.presence = new PresenceFollows(this);
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers for the parts

  boolean isOnline() {
    return state == ConnectionState.ONLINE && link != null;
  }

  String userId() {
    return userId;
  }

  java.util.List<dev.parley.protocol.im.IceServer> iceServers() {
    return iceServers;
  }

  ConnectionState state() {
    return state;
  }

  int logins() {
    return logins;
  }

  long now() {
    return scheduler.nowMillis();
  }

  /** Runs {@code task} on the loop after {@code delayMillis} of scheduler time. */
  Cancellable schedule(long delayMillis, Runnable task) {
    return scheduler.schedule(() -> loop.execute(task), delayMillis);
  }

  /** Sends a request on the current link (online only). */
  void send(Frame.Builder body, Requests.Caller caller) {
    requests.send(link, body, caller);
    wrote();
  }

  /** Writes a frame nobody waits an answer for (ack, typing). */
  void write(Frame f) {
    if (link != null) {
      link.send(f);
      wrote();
    }
  }

  private void wrote() {
    lastWriteAt = now();
  }

  // ---------------------------------------------------------------------------------------------
  // What the app asks

  void connect() {
    if (closed || state == ConnectionState.ONLINE || state == ConnectionState.CONNECTING) {
      return;
    }
    stopped = false;
    failures = 0;
    attemptNow(Cause.REQUESTED);
  }

  void reconnectNow() {
    if (!closed && !stopped && state == ConnectionState.WAITING) {
      attemptNow(Cause.REQUESTED);
    }
  }

  void networkChanged(String networkId) {
    heartbeat.onNetworkChanged(networkId);
    if (closed || stopped) {
      return;
    }
    // The old connection went out through the old network: it is dead or soon will be.
    failures = 0;
    dropLink();
    attemptNow(Cause.NETWORK_CHANGED);
  }

  void foreground(boolean fg) {
    heartbeat.onForeground(fg);
    if (!fg || closed || stopped) {
      scheduleHeartbeat();
      return;
    }
    if (state == ConnectionState.WAITING) {
      attemptNow(Cause.REQUESTED);
    } else if (state == ConnectionState.ONLINE) {
      // Back from the background: find out now whether the link survived.
      probe();
    }
  }

  void disconnect() {
    stopAndGoOffline(Cause.DISCONNECTED, null);
  }

  CompletableFuture<Void> logout() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    ParleyException ex = ParleyException.of(ParleyException.Kind.CLOSED, "logged out");
    sends.failAll(ex);
    calls.failAll(ex);
    if (!isOnline()) {
      stopAndGoOffline(Cause.LOGGED_OUT, null);
      receiver.saveNow().whenComplete((v, e) -> done.complete(null));
      return done;
    }
    stopped = true;
    Cancellable giveUp = schedule(3000, () -> finishLogout(done));
    send(Frame.newBuilder().setLogout(Logout.getDefaultInstance()), new Requests.Caller() {
      @Override
      public void answered(Frame answer) {
        giveUp.cancel();
        finishLogout(done);
      }

      @Override
      public void lost() {
        giveUp.cancel();
        finishLogout(done);
      }
    });
    return done;
  }

  private void finishLogout(CompletableFuture<Void> done) {
    if (done.isDone()) {
      return;
    }
    stopAndGoOffline(Cause.LOGGED_OUT, null);
    receiver.saveNow().whenComplete((v, e) -> done.complete(null));
  }

  CompletableFuture<Void> close() {
    if (closed) {
      return CompletableFuture.completedFuture(null);
    }
    stopAndGoOffline(Cause.DISCONNECTED, null);
    closed = true;
    ParleyException ex = ParleyException.of(ParleyException.Kind.CLOSED, "client closed");
    sends.failAll(ex);
    calls.failAll(ex);
    return receiver.saveNow();
  }

  private void stopAndGoOffline(Cause cause, Throwable error) {
    stopped = true;
    retryTimer.cancel();
    attempt++;
    dropLink();
    setState(ConnectionState.OFFLINE, cause, 0, error);
  }

  /** Checks the link now with a heartbeat, unless one is already out. */
  void probe() {
    if (isOnline() && heartbeatSentAt < 0) {
      sendHeartbeat();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Connecting

  private void attemptNow(Cause cause) {
    retryTimer.cancel();
    int gen = ++attempt;
    setState(ConnectionState.CONNECTING, cause, 0, null);
    connectTimer = schedule(cfg.connectTimeout.toMillis(), () -> {
      if (gen == attempt && state == ConnectionState.CONNECTING && loginTimer == Cancellable.NONE) {
        failed(Cause.CONNECT_FAILED, new IOException("no connection within " + cfg.connectTimeout.toMillis() + " ms"), 0);
      }
    });
    cfg.tokens.token().whenComplete((token, err) -> loop.execute(() -> {
      if (gen != attempt || state != ConnectionState.CONNECTING) {
        return;
      }
      if (err != null || token == null) {
        failed(Cause.CONNECT_FAILED, err != null ? err : new IOException("the token provider gave no token"), 0);
      } else {
        open(token);
      }
    }));
  }

  private void open(String token) {
    this.pendingToken = token;
    try {
      if (cfg.transport == ClientConfig.Transport.TCP) {
        link = TcpLink.open(loop, blocking, cfg.server.getHost(), cfg.server.getPort(),
            cfg.tls ? sslContext() : null, cfg.maxFrameBytes, cfg.maxPendingBytes, this);
      } else {
        link = WebSocketLinks.open(loop, runtime.httpClients(), cfg.server, cfg.tls ? sslContext() : null,
            cfg.connectTimeout, cfg.maxFrameBytes, cfg.maxPendingBytes, this);
      }
    } catch (RuntimeException e) {
      failed(Cause.CONNECT_FAILED, e, 0);
    }
  }

  private javax.net.ssl.SSLContext sslContext() {
    if (cfg.sslContext != null) {
      return cfg.sslContext;
    }
    try {
      return javax.net.ssl.SSLContext.getDefault();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("no default TLS context", e);
    }
  }

  @Override
  public void onOpen(Link l) {
    if (l != link) {
      return;
    }
    connectTimer.cancel();
    lastReadAt = now();
    Login login = Login.newBuilder().setProtocolVersion(ProtocolVersion.CURRENT).setToken(pendingToken)
        .setDeviceId(cfg.deviceId).setPlatform(cfg.platform).setClientVersion(cfg.clientVersion).build();
    pendingToken = null;
    int gen = attempt;
    loginTimer = schedule(cfg.loginTimeout.toMillis(), () -> {
      if (gen == attempt && state == ConnectionState.CONNECTING) {
        failed(Cause.LOGIN_TIMEOUT, new IOException("no answer to the login within " + cfg.loginTimeout.toMillis() + " ms"), 0);
      }
    });
    send(Frame.newBuilder().setLogin(login), new Requests.Caller() {
      @Override
      public void answered(Frame f) {
        loginTimer.cancel();
        if (f.hasLoginOk()) {
          loggedIn(f.getLoginOk());
        } else if (f.hasError()) {
          loginRefused(f.getError());
        }
      }

      @Override
      public void lost() {
        // onClosed handles it
      }
    });
  }

  private void loggedIn(LoginOk ok) {
    loginTimer = Cancellable.NONE;
    failures = 0;
    goAwayDelay = -1;
    logins++;
    userId = ok.getUserId();
    sessionId = ok.getSessionId();
    iceServers = ok.getIceServersList();
    serverMaxHeartbeat = ok.getMaxHeartbeatIntervalMs();
    heartbeat.onLogin(serverMaxHeartbeat);
    heartbeatSentAt = -1;
    state = ConnectionState.ONLINE;
    // Sync first, so messages this device sent before a lost SendAck are recognised when they
    // come back; then what waited to be sent, then the app's requests.
    receiver.loggedIn(userId);
    sends.online();
    calls.online();
    presence.online();
    scheduleHeartbeat();
    setState(ConnectionState.ONLINE, Cause.LOGGED_IN, 0, null);
  }

  private void loginRefused(Error e) {
    ParleyException ex = ParleyException.refused(e);
    switch (e.getCode()) {
      case ERROR_CODE_INVALID_TOKEN, ERROR_CODE_TOKEN_EXPIRED, ERROR_CODE_UNSUPPORTED_VERSION, ERROR_CODE_BAD_REQUEST ->
          stopAndGoOffline(Cause.AUTH_FAILED, ex);
      default -> failed(Cause.LOGIN_REFUSED, ex, e.getRetryAfterMs());
    }
  }

  /** An attempt failed (before login): back off and try again. */
  private void failed(Cause cause, Throwable error, long minDelay) {
    dropLink();
    if (stopped || closed) {
      return;
    }
    failures++;
    long delay = goAwayDelay >= 0 ? goAwayDelay : cfg.backoff.delayMillis(failures);
    goAwayDelay = -1;
    waitAndRetry(Math.max(delay, minDelay), cause, error);
  }

  /** A logged-in link is gone: reconnect at once (or after the GoAway delay). */
  private void lost(Cause cause, Throwable error) {
    dropLink();
    if (stopped || closed) {
      return;
    }
    long delay;
    if (goAwayDelay >= 0) {
      delay = goAwayDelay;
    } else if (cfg.reconnectAtOnce) {
      delay = 0;
    } else {
      delay = cfg.backoff.delayMillis(++failures);
    }
    goAwayDelay = -1;
    waitAndRetry(delay, cause, error);
  }

  private void waitAndRetry(long delay, Cause cause, Throwable error) {
    if (delay <= 0) {
      setState(ConnectionState.WAITING, cause, 0, error);
      attemptNow(Cause.RETRY);
      return;
    }
    int gen = ++attempt;
    state = ConnectionState.WAITING;
    retryTimer = schedule(delay, () -> {
      if (gen == attempt && state == ConnectionState.WAITING) {
        attemptNow(Cause.RETRY);
      }
    });
    setState(ConnectionState.WAITING, cause, delay, error);
  }

  /** Forgets the current link (closing it) and everything that waited on it. */
  private void dropLink() {
    connectTimer.cancel();
    loginTimer.cancel();
    loginTimer = Cancellable.NONE;
    heartbeatTimer.cancel();
    heartbeatTimeout.cancel();
    heartbeatSentAt = -1;
    Link l = link;
    link = null;
    if (l != null) {
      l.close();
      requests.linkLost();
      receiver.offline();
    }
  }

  @Override
  public void onClosed(Link l, Throwable cause) {
    if (l != link) {
      return;
    }
    if (cause != null) {
      log.log(Level.FINE, "link closed", cause);
    }
    if (state == ConnectionState.ONLINE) {
      lost(Cause.LINK_LOST, cause);
    } else {
      failed(Cause.CONNECT_FAILED, cause, 0);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Frames

  @Override
  public void onHeartbeat(Link l) {
    if (l == link) {
      answered();
    }
  }

  @Override
  public void onFrame(Link l, Frame f) {
    if (l != link) {
      return;
    }
    answered();
    if (f.getReq() != 0 && requests.answer(f)) {
      return;
    }
    switch (f.getBodyCase()) {
      case PUSH -> receiver.push(f.getPush().getMessagesList());
      case RECEIPT -> listeners.receipt(f.getReceipt());
      case PRESENCE -> presence.changed(f.getPresence());
      case TYPING -> listeners.typing(f.getTyping());
      case CALL_RING -> listeners.ring(f.getCallRing());
      case CALL_STATE -> listeners.callState(f.getCallState());
      case CALL_STOP_RINGING -> listeners.stopRinging(f.getCallStopRinging());
      case SIGNAL -> listeners.signal(f.getSignal());
      case ROOM_EVENT -> listeners.roomEvent(f.getRoomEvent());
      case KICKED -> {
        log.info(() -> "kicked: " + f.getKicked().getReason() + " " + f.getKicked().getMessage());
        stopAndGoOffline(Cause.KICKED, null);
        listeners.kicked(f.getKicked());
      }
      case GO_AWAY -> {
        long after = f.getGoAway().getReconnectAfterMs();
        goAwayDelay = after + cfg.backoff.extra(after);
        lost(Cause.GO_AWAY, null);
      }
      case ERROR -> {
        Error e = f.getError();
        log.fine(() -> "server error " + e.getCode() + ": " + e.getMessage());
        if (e.getCode() == ErrorCode.ERROR_CODE_SHUTTING_DOWN && goAwayDelay < 0) {
          goAwayDelay = cfg.backoff.delayMillis(1);
        }
      }
      default -> log.fine(() -> "ignored frame " + f.getBodyCase() + " req " + f.getReq());
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Heartbeat

  private long heartbeatInterval() {
    long interval = heartbeat.intervalMillis();
    return serverMaxHeartbeat > 0 ? Math.min(interval, serverMaxHeartbeat) : interval;
  }

  /**
   * A heartbeat is due once either direction has been silent for the interval: silence out, so
   * the server's idle timer and the NAT mapping stay fed; silence in, so a link that swallows what
   * is written (half-open, blackholed) is found out even while the app keeps sending.
   */
  private long heartbeatDueAt() {
    return Math.min(lastWriteAt, lastReadAt) + heartbeatInterval();
  }

  private void scheduleHeartbeat() {
    heartbeatTimer.cancel();
    if (!isOnline() || heartbeatSentAt >= 0) {
      return;
    }
    heartbeatTimer = schedule(heartbeatDueAt() - now(), this::heartbeatDue);
  }

  private void heartbeatDue() {
    if (!isOnline() || heartbeatSentAt >= 0) {
      return;
    }
    if (now() < heartbeatDueAt()) {
      scheduleHeartbeat();
      return;
    }
    sendHeartbeat();
  }

  private void sendHeartbeat() {
    heartbeatTimer.cancel();
    long now = now();
    // What the NAT saw: no packet either way for this long.
    heartbeatIdle = now - Math.max(lastWriteAt, lastReadAt);
    heartbeatSentAt = now;
    Link l = link;
    heartbeatTimeout = schedule(cfg.heartbeatTimeout.toMillis(), () -> {
      if (l == link && heartbeatSentAt >= 0) {
        long idle = heartbeatIdle;
        heartbeat.onHeartbeatLost(idle);
        lost(Cause.HEARTBEAT_TIMEOUT, new IOException("no answer to a heartbeat within "
            + cfg.heartbeatTimeout.toMillis() + " ms (sent after " + idle + " ms of silence)"));
      }
    });
    link.sendHeartbeat();
    wrote();
  }

  /** Anything arrived: an outstanding heartbeat is answered. */
  private void answered() {
    lastReadAt = now();
    if (heartbeatSentAt < 0) {
      return;
    }
    heartbeatTimeout.cancel();
    heartbeatSentAt = -1;
    if (state == ConnectionState.ONLINE) {
      heartbeat.onHeartbeatAnswered(heartbeatIdle);
      scheduleHeartbeat();
    }
  }

  // ---------------------------------------------------------------------------------------------

  private void setState(ConnectionState s, Cause cause, long retryIn, Throwable error) {
    state = s;
    ConnectionEvent e = new ConnectionEvent(s, cause, failures, retryIn, error,
        s == ConnectionState.ONLINE ? sessionId : null);
    log.fine(() -> "connection: " + e);
    listeners.connection(e);
  }
}
