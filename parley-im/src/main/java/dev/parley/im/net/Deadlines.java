package dev.parley.im.net;

import dev.parley.im.config.ImSettings;
import dev.parley.protocol.im.ErrorCode;
import dev.parley.protocol.im.KickReason;

/**
 * The deadlines of a connection, checked a few times a second by the {@link Sweeper}: a login
 * within {@code im.login-timeout}, then something read at least every idle timeout (1.5 times
 * {@code im.heartbeat.max-interval}), and a token that has not expired. One serves every
 * connection; each keeps only its own timestamps.
 */
final class Deadlines {
  private final ImSettings settings;

  Deadlines(ImSettings settings) {
    this.settings = settings;
  }

  /** Event loop of {@code c}: closes a connection that has not logged in within the login timeout. */
  void checkLogin(ImConnection c, long openedNanos, long nowNanos) {
    if (nowNanos - openedNanos > settings.loginTimeout().toNanos()) {
      c.fail(0, ErrorCode.ERROR_CODE_LOGIN_TIMEOUT, "no login within " + settings.loginTimeout().toMillis() + " ms");
    }
  }

  /** Event loop of {@code c}: closes a silent session, kicks one whose token expired. */
  void checkSession(ImConnection c, long lastReadNanos, long tokenValidUntil, long nowNanos, long nowMillis) {
    if (nowNanos - lastReadNanos > settings.idleTimeout().toNanos()) {
      c.fail(0, ErrorCode.ERROR_CODE_IDLE_TIMEOUT, "nothing received for " + settings.idleTimeout().toMillis()
          + " ms (heartbeat at least every " + settings.heartbeatMax().toMillis() + " ms)");
    } else if (nowMillis > tokenValidUntil) {
      c.kick(KickReason.KICK_REASON_TOKEN_EXPIRED, "the session's token expired; log in with a new one");
    }
  }
}
