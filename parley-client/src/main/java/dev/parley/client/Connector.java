package dev.parley.client;

import dev.parley.client.ConnectionEvent.Cause;
import dev.parley.client.net.Link;
import dev.parley.client.time.Cancellable;
import dev.parley.protocol.ProtocolVersion;
import dev.parley.protocol.im.Error;
import dev.parley.protocol.im.ErrorCode;
import dev.parley.protocol.im.Frame;
import dev.parley.protocol.im.IceServer;
import dev.parley.protocol.im.Login;
import dev.parley.protocol.im.LoginOk;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The connection state machine of one client: connect, log in, notice a dead link, reconnect with
 * backoff, stay down after logout, a kick or a refused token. It owns the link and the requests in
 * flight on it; what a login, a lost link or a frame means to the rest of the client goes to its
 * {@link ClientParts}. Everything runs on the client's I/O loop.
 */
final class Connector implements Connection, Link.LinkListener, HeartbeatTimer.Owner {
  private static final Logger log = Logger.getLogger(Connector.class.getName());

  private final ClientConfig cfg;
  private final Executor loop;
  private final LinkOpener opener;
  private final LoopTimers timers;
  private final Listeners listeners;
  private final ClientParts parts;
  private final Requests requests = new Requests();
  private final ReconnectDelays delays;
  private final HeartbeatTimer heartbeats;

  private ConnectionState state = ConnectionState.OFFLINE;
  /** The app wants the client offline (disconnect, logout, kick, refused token): no reconnect. */
  private boolean stopped = true;
  private boolean closed;
  private Link link;
  /** Counts attempts (and stops), so the timers of an old attempt know they are stale. */
  private int attempt;
  private String userId;
  private List<IceServer> iceServers = List.of();
  private String sessionId;
  private Cancellable connectTimer = Cancellable.NONE;
  private Cancellable loginTimer = Cancellable.NONE;
  private Cancellable retryTimer = Cancellable.NONE;
  /** The token of the attempt under way, until the login is sent. */
  private String pendingToken;

  Connector(ClientConfig cfg, Executor loop, LinkOpener opener, LoopTimers timers, Listeners listeners,
      ClientParts parts) {
    this.cfg = cfg;
    this.loop = loop;
    this.opener = opener;
    this.timers = timers;
    this.listeners = listeners;
    this.parts = parts;
    this.delays = new ReconnectDelays(cfg.backoff, cfg.reconnectAtOnce);
    this.heartbeats = new HeartbeatTimer(cfg.heartbeat, cfg.heartbeatTimeout.toMillis(), timers, this);
  }

  // ---------------------------------------------------------------------------------------------
  // What the parts of the client use

  @Override
  public boolean isOnline() {
    return state == ConnectionState.ONLINE && link != null;
  }

  @Override
  public String userId() {
    return userId;
  }

  List<IceServer> iceServers() {
    return iceServers;
  }

  ConnectionState state() {
    return state;
  }

  @Override
  public void send(Frame.Builder body, Requests.Caller caller) {
    requests.send(link, body, caller);
    heartbeats.wrote();
  }

  @Override
  public void tell(Frame.Builder body) {
    write(body.setReq(requests.next()).build());
  }

  @Override
  public void write(Frame f) {
    if (link != null) {
      link.send(f);
      heartbeats.wrote();
    }
  }

  @Override
  public void probe() {
    heartbeats.probe();
  }

  // ---------------------------------------------------------------------------------------------
  // What the app asks

  void connect() {
    if (closed || state == ConnectionState.ONLINE || state == ConnectionState.CONNECTING) {
      return;
    }
    stopped = false;
    delays.restart();
    attemptNow(Cause.REQUESTED);
  }

  void reconnectNow() {
    if (!closed && !stopped && state == ConnectionState.WAITING) {
      attemptNow(Cause.REQUESTED);
    }
  }

  void networkChanged(String networkId) {
    heartbeats.networkChanged(networkId);
    if (closed || stopped) {
      return;
    }
    // The old connection went out through the old network: it is dead or soon will be.
    delays.restart();
    dropLink();
    attemptNow(Cause.NETWORK_CHANGED);
  }

  void foreground(boolean fg) {
    heartbeats.foreground(fg);
    if (!fg || closed || stopped) {
      heartbeats.schedule();
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

  /** Goes offline for {@code cause} and stays there until {@link #connect()}. */
  void stop(Cause cause) {
    stopAndGoOffline(cause, null);
  }

  /** Keeps the current link but reconnects no more once it is gone (a logout under way). */
  void stopReconnecting() {
    stopped = true;
  }

  CompletableFuture<Void> close() {
    if (closed) {
      return CompletableFuture.completedFuture(null);
    }
    stopAndGoOffline(Cause.DISCONNECTED, null);
    closed = true;
    parts.failAll(ParleyException.of(ParleyException.Kind.CLOSED, "client closed"));
    return parts.saveNow();
  }

  private void stopAndGoOffline(Cause cause, Throwable error) {
    stopped = true;
    retryTimer.cancel();
    attempt++;
    dropLink();
    setState(ConnectionState.OFFLINE, cause, 0, error);
  }

  // ---------------------------------------------------------------------------------------------
  // Connecting

  private void attemptNow(Cause cause) {
    retryTimer.cancel();
    int gen = ++attempt;
    setState(ConnectionState.CONNECTING, cause, 0, null);
    long connectTimeout = cfg.connectTimeout.toMillis();
    connectTimer = timers.schedule(connectTimeout, () -> {
      if (gen == attempt && state == ConnectionState.CONNECTING && loginTimer == Cancellable.NONE) {
        failed(Cause.CONNECT_FAILED, new IOException("no connection within " + connectTimeout + " ms"), 0);
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
      link = opener.open(this);
    } catch (RuntimeException e) {
      failed(Cause.CONNECT_FAILED, e, 0);
    }
  }

  @Override
  public void onOpen(Link l) {
    if (l != link) {
      return;
    }
    connectTimer.cancel();
    heartbeats.opened();
    Login login = Login.newBuilder().setProtocolVersion(ProtocolVersion.CURRENT).setToken(pendingToken)
        .setDeviceId(cfg.deviceId).setPlatform(cfg.platform).setClientVersion(cfg.clientVersion).build();
    pendingToken = null;
    int gen = attempt;
    long loginTimeout = cfg.loginTimeout.toMillis();
    loginTimer = timers.schedule(loginTimeout, () -> {
      if (gen == attempt && state == ConnectionState.CONNECTING) {
        failed(Cause.LOGIN_TIMEOUT, new IOException("no answer to the login within " + loginTimeout + " ms"), 0);
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
    delays.loggedIn();
    userId = ok.getUserId();
    sessionId = ok.getSessionId();
    iceServers = ok.getIceServersList();
    heartbeats.loggedIn(link, ok.getMaxHeartbeatIntervalMs());
    state = ConnectionState.ONLINE;
    parts.online(userId);
    heartbeats.schedule();
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
    waitAndRetry(Math.max(delays.afterFailedAttempt(), minDelay), cause, error);
  }

  /** A logged-in link is gone: reconnect at once (or after the GoAway delay). */
  private void lost(Cause cause, Throwable error) {
    dropLink();
    if (stopped || closed) {
      return;
    }
    waitAndRetry(delays.afterLostLink(), cause, error);
  }

  @Override
  public void heartbeatLost(IOException why) {
    lost(Cause.HEARTBEAT_TIMEOUT, why);
  }

  private void waitAndRetry(long delay, Cause cause, Throwable error) {
    if (delay <= 0) {
      setState(ConnectionState.WAITING, cause, 0, error);
      attemptNow(Cause.RETRY);
      return;
    }
    int gen = ++attempt;
    state = ConnectionState.WAITING;
    retryTimer = timers.schedule(delay, () -> {
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
    heartbeats.stop();
    Link l = link;
    link = null;
    if (l != null) {
      l.close();
      requests.linkLost();
      parts.offline();
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
      heartbeats.heard();
    }
  }

  @Override
  public void onFrame(Link l, Frame f) {
    if (l != link) {
      return;
    }
    heartbeats.heard();
    if (f.getReq() != 0 && requests.answer(f)) {
      return;
    }
    switch (f.getBodyCase()) {
      case KICKED -> {
        log.info(() -> "kicked: " + f.getKicked().getReason() + " " + f.getKicked().getMessage());
        stopAndGoOffline(Cause.KICKED, null);
        listeners.kicked(f.getKicked());
      }
      case GO_AWAY -> {
        delays.goAway(f.getGoAway().getReconnectAfterMs());
        lost(Cause.GO_AWAY, null);
      }
      case ERROR -> {
        Error e = f.getError();
        log.fine(() -> "server error " + e.getCode() + ": " + e.getMessage());
        if (e.getCode() == ErrorCode.ERROR_CODE_SHUTTING_DOWN) {
          delays.shuttingDown();
        }
      }
      default -> parts.frame(f);
    }
  }

  private void setState(ConnectionState s, Cause cause, long retryIn, Throwable error) {
    state = s;
    ConnectionEvent e = new ConnectionEvent(s, cause, delays.failures(), retryIn, error,
        s == ConnectionState.ONLINE ? sessionId : null);
    log.fine(() -> "connection: " + e);
    listeners.connection(e);
  }
}
