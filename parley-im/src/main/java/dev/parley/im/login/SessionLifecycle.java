package dev.parley.im.login;

import dev.parley.im.gateway.Gateway;
import dev.parley.im.presence.PresenceHub;
import dev.parley.im.session.Directory;
import dev.parley.im.session.KickPolicy;
import dev.parley.im.session.Session;
import dev.parley.protocol.im.KickReason;
import java.util.List;

/**
 * What happens when a session starts and ends: registration in the directory under the kick
 * policy (and the kicks it causes), presence, and the gateway's session listeners.
 */
public final class SessionLifecycle {
  private final Directory directory;
  private final PresenceHub presence;
  private final Gateway gateway;
  private final KickPolicy kickPolicy;
  private final int maxSessionsPerUser;

  public SessionLifecycle(Directory directory, PresenceHub presence, Gateway gateway, KickPolicy kickPolicy,
      int maxSessionsPerUser) {
    this.directory = directory;
    this.presence = presence;
    this.gateway = gateway;
    this.kickPolicy = kickPolicy;
    this.maxSessionsPerUser = maxSessionsPerUser;
  }

  /** Event loop of {@code s}: it logged in; older sessions are replaced per the kick policy. */
  public void opened(Session s) {
    List<Directory.Kick> kicked = directory.register(s, kickPolicy, maxSessionsPerUser);
    for (Directory.Kick k : kicked) {
      String why = switch (k.cause()) {
        case STALE -> "a newer connection of device " + s.deviceId() + " is logged in";
        case REPLACED -> "logged in again on device " + s.deviceId();
        case OVER_CAP -> "more than " + maxSessionsPerUser + " sessions of this user"
            + " (im.max-sessions-per-user); the oldest is closed";
      };
      k.session().kick(k.cause() == Directory.Cause.OVER_CAP ? KickReason.KICK_REASON_TOO_MANY_SESSIONS
          : KickReason.KICK_REASON_REPLACED, why);
    }
    gateway.opened(s);
  }

  /** Event loop of {@code s}: the session that {@link #opened} closed. */
  public <S extends Session & PresenceHub.Follower> void closed(S s) {
    directory.unregister(s);
    presence.closed(s);
    gateway.closed(s);
  }
}
