package dev.parley.im.login;

import dev.parley.core.auth.TokenException;
import dev.parley.core.auth.TokenService;
import dev.parley.core.auth.VerifiedToken;
import dev.parley.core.time.TimeSource;
import dev.parley.im.config.ImSettings;
import dev.parley.im.metrics.ImMetrics;
import dev.parley.im.session.LoginLimiter;
import dev.parley.im.session.Session;
import dev.parley.im.wire.ErrorFrames;
import dev.parley.protocol.ProtocolVersion;
import dev.parley.protocol.im.ErrorCode;
import dev.parley.protocol.im.Frame;
import dev.parley.protocol.im.Login;
import dev.parley.protocol.im.LoginOk;
import java.util.function.BiConsumer;

/**
 * The Login request of a new connection: protocol version, the per-address login rate, the device
 * id and the token; then the connection becomes a session, is registered (kicking what it
 * replaces) and is answered LoginOk. Runs on the connection's event loop.
 */
public final class Logins {
  private final ImSettings settings;
  private final ImMetrics metrics;
  private final TokenService tokens;
  private final LoginLimiter limiter;
  private final TimeSource time;
  private final BiConsumer<String, LoginOk.Builder> decorate;
  private final SessionLifecycle sessions;

  /** @param decorate lets other modules add to every LoginOk (the gateway's login decorators) */
  public Logins(ImSettings settings, ImMetrics metrics, TokenService tokens, LoginLimiter limiter, TimeSource time,
      BiConsumer<String, LoginOk.Builder> decorate, SessionLifecycle sessions) {
    this.settings = settings;
    this.metrics = metrics;
    this.tokens = tokens;
    this.limiter = limiter;
    this.time = time;
    this.decorate = decorate;
    this.sessions = sessions;
  }

  /** Event loop of {@code c}: its Login request {@code req}. */
  public void login(LoginCandidate c, int req, Login login) {
    if (!ProtocolVersion.isSupported(login.getProtocolVersion())) {
      metrics.loginsFailed.increment();
      c.fail(req, ErrorCode.ERROR_CODE_UNSUPPORTED_VERSION, "protocol version " + login.getProtocolVersion()
          + " is not supported; this server speaks " + ProtocolVersion.MIN_SUPPORTED + ".." + ProtocolVersion.CURRENT);
      return;
    }
    long wait = limiter.acquire(c.remoteIp());
    if (wait > 0) {
      metrics.loginsFailed.increment();
      metrics.rateLimited.increment();
      c.sendAndClose(ErrorFrames.error(req, ErrorCode.ERROR_CODE_RATE_LIMITED, "too many logins from this address",
          wait));
      return;
    }
    String device = login.getDeviceId();
    if (device.isEmpty() || device.length() > 128) {
      metrics.loginsFailed.increment();
      c.fail(req, ErrorCode.ERROR_CODE_BAD_REQUEST, "device_id must be 1-128 characters");
      return;
    }
    VerifiedToken token;
    try {
      token = tokens.verify(login.getToken());
    } catch (TokenException e) {
      metrics.loginsFailed.increment();
      c.fail(req, e.reason() == TokenException.Reason.EXPIRED ? ErrorCode.ERROR_CODE_TOKEN_EXPIRED
          : ErrorCode.ERROR_CODE_INVALID_TOKEN, e.getMessage());
      return;
    }
    Session s = c.loggedIn(token.userId(), device, login.getPlatform(),
        tokens.validUntil(token.expiresAt()).toEpochMilli());
    metrics.loginsOk.increment();
    LoginOk.Builder ok = LoginOk.newBuilder()
        .setUserId(s.user())
        .setSessionId(s.sessionId())
        .setIdleTimeoutMs((int) settings.idleTimeout().toMillis())
        .setMaxHeartbeatIntervalMs((int) settings.heartbeatMax().toMillis())
        .setServerTime(time.millis())
        .setMaxMessageBytes(settings.maxMessageBytes());
    decorate.accept(s.user(), ok);
    // Registered before LoginOk is sent: whatever commits after the client hears LoginOk is pushed.
    sessions.opened(s);
    s.send(Frame.newBuilder().setReq(req).setLoginOk(ok).build());
  }
}
