package dev.parley.im;

import dev.parley.core.auth.TokenService;
import dev.parley.core.time.TimeSource;
import dev.parley.im.delivery.DeliveryCursors;
import dev.parley.im.delivery.Dispatcher;
import dev.parley.im.handler.RequestHandler;
import dev.parley.im.net.ImConnection;
import dev.parley.im.net.OpenConnections;
import dev.parley.im.net.Sweeper;
import dev.parley.im.presence.PresenceHub;
import dev.parley.im.session.Directory;
import dev.parley.im.session.LoginLimiter;
import dev.parley.im.store.ImStore;
import dev.parley.protocol.im.KickReason;
import java.util.List;

/**
 * The IM service's parts, for the connections and request handlers to reach. Built once by
 * {@link ImModule}.
 */
public final class ImService {
  private final ImSettings settings;
  private final ImMetrics metrics;
  private final TokenService tokens;
  private final ImStore store;
  private final Directory directory;
  private final Dispatcher dispatcher;
  private final PresenceHub presence;
  private final DeliveryCursors deliveryCursors;
  private final LoginLimiter loginLimiter;
  private final Sweeper sweeper;
  private RequestHandler requests;
  private final Gateway gateway = new Gateway(this);
  private final OpenConnections connections = new OpenConnections();

  public ImService(ImSettings settings, ImMetrics metrics, TokenService tokens, ImStore store, Directory directory,
      Dispatcher dispatcher, PresenceHub presence, DeliveryCursors deliveryCursors, LoginLimiter loginLimiter,
      Sweeper sweeper) {
    this.settings = settings;
    this.metrics = metrics;
    this.tokens = tokens;
    this.store = store;
    this.directory = directory;
    this.dispatcher = dispatcher;
    this.presence = presence;
    this.deliveryCursors = deliveryCursors;
    this.loginLimiter = loginLimiter;
    this.sweeper = sweeper;
  }

  void requests(RequestHandler handler) {
    this.requests = handler;
  }

  /** The server's time: every IM deadline and timestamp reads it. */
  public TimeSource time() {
    return sweeper.time();
  }

  public ImSettings settings() {
    return settings;
  }

  public ImMetrics metrics() {
    return metrics;
  }

  public TokenService tokens() {
    return tokens;
  }

  public ImStore store() {
    return store;
  }

  public Directory directory() {
    return directory;
  }

  public Dispatcher dispatcher() {
    return dispatcher;
  }

  public PresenceHub presence() {
    return presence;
  }

  public DeliveryCursors deliveryCursors() {
    return deliveryCursors;
  }

  public LoginLimiter loginLimiter() {
    return loginLimiter;
  }

  public Sweeper sweeper() {
    return sweeper;
  }

  public RequestHandler requests() {
    return requests;
  }

  /** Every open connection, logged in or not (for the shutdown). */
  public OpenConnections connections() {
    return connections;
  }

  /** The seam for modules riding on IM sessions (call signaling). */
  public Gateway gateway() {
    return gateway;
  }

  /** Event loop of {@code c}: it logged in; older sessions are replaced per the kick policy. */
  public void sessionOpened(ImConnection c) {
    List<Directory.Kick> kicked = directory.register(c, settings.kickPolicy(), settings.maxSessionsPerUser());
    for (Directory.Kick k : kicked) {
      String why = switch (k.cause()) {
        case STALE -> "a newer connection of device " + c.deviceId() + " is logged in";
        case REPLACED -> "logged in again on device " + c.deviceId();
        case OVER_CAP -> "more than " + settings.maxSessionsPerUser() + " sessions of this user"
            + " (im.max-sessions-per-user); the oldest is closed";
      };
      k.session().kick(k.cause() == Directory.Cause.OVER_CAP ? KickReason.KICK_REASON_TOO_MANY_SESSIONS
          : KickReason.KICK_REASON_REPLACED, why);
    }
    gateway.opened(c);
  }

  /** Event loop of {@code c}: it closed. */
  public void sessionClosed(ImConnection c) {
    directory.unregister(c);
    presence.closed(c);
    gateway.closed(c);
  }
}
