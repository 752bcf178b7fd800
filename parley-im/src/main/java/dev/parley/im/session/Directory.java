package dev.parley.im.session;

import dev.parley.im.ImKeys.KickPolicy;
import java.util.List;
import java.util.function.Consumer;

/**
 * Who is online where. In memory on one node today; a shared implementation (Redis) can take its
 * place when Parley runs on several nodes.
 */
public interface Directory {
  /**
   * Adds a logged-in session; returns the sessions it replaces under {@code policy}, to be kicked.
   * A login that arrives late on a connection older than the one it would replace (the client
   * gave up on it and reconnected) replaces nothing: it is not added and is itself in the list.
   */
  List<Session> register(Session session, KickPolicy policy, int maxPerUser);

  /** Removes a session; returns true when it was the user's last one. */
  boolean unregister(Session session);

  /** The user's sessions on this node (an empty array when none). Do not modify. */
  Session[] sessions(String user);

  boolean isOnline(String user);

  int onlineUsers();

  int sessionCount();

  void forEach(Consumer<Session> action);
}
