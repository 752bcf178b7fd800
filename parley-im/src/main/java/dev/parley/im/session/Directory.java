package dev.parley.im.session;

import dev.parley.im.ImKeys.KickPolicy;
import java.util.List;
import java.util.function.Consumer;

/**
 * Who is online where. In memory on one node today; a shared implementation (Redis) can take its
 * place when Parley runs on several nodes.
 */
public interface Directory {
  /** Why a registration ends a session. */
  enum Cause {
    /** An older session replaced under the kick policy. */
    REPLACED,
    /** The session being registered came on an older connection than the one it would replace. */
    STALE,
    /** The oldest session of a user who is over the sessions cap. */
    OVER_CAP
  }

  /** A session to kick, and why. */
  record Kick(Session session, Cause cause) {}

  /**
   * Adds a logged-in session; returns the sessions to kick: those it replaces under
   * {@code policy}, then the oldest beyond {@code maxPerUser}. A login that arrives late on a
   * connection older than the one it would replace (the client gave up on it and reconnected)
   * replaces nothing: it is not added and is itself the one kick ({@link Cause#STALE}).
   */
  List<Kick> register(Session session, KickPolicy policy, int maxPerUser);

  /** Removes a session; returns true when it was the user's last one. */
  boolean unregister(Session session);

  /** The user's sessions on this node (an empty array when none). Do not modify. */
  Session[] sessions(String user);

  boolean isOnline(String user);

  int onlineUsers();

  int sessionCount();

  void forEach(Consumer<Session> action);
}
