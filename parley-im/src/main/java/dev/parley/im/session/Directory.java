package dev.parley.im.session;

import dev.parley.protocol.im.KickReason;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * Who is online where: the seam a shared (Redis) directory implements when Parley runs on several
 * nodes. {@link LocalDirectory} is the in-process implementation for one node.
 *
 * <p>The contract every implementation keeps:
 *
 * <ul>
 *   <li>{@link #register} and {@link #unregister} take this node's sessions (the node registers
 *       what it accepted and unregisters what closed); the kick policy and the per-user cap are
 *       applied across all of the user's sessions, on every node, atomically per user. A session to
 *       kick that lives on another node is returned as a handle whose {@link Session#kick} reaches
 *       it there.
 *   <li>{@link #sessions} answers only this node's sessions: the ones this node can write to
 *       directly. Reaching the others is the {@link Router}'s job.
 *   <li>{@link #isOnline} answers for the whole deployment: a user with a session on any node is
 *       online.
 *   <li>The implementation reports every change of a user between no session anywhere and at
 *       least one (a {@link Transition}) to the listener it was built with, in order per user,
 *       while that user's entry is held, so two racing logins or logouts cannot reorder them.
 *   <li>All methods are safe from any thread and never block on I/O for long: they are called on
 *       event loops.
 * </ul>
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

  /** Whether the user has a session on any node. */
  boolean isOnline(String user);

  /** Users with a session on this node (a gauge). */
  int onlineUsers();

  /** Sessions on this node (a gauge). */
  int sessionCount();

  /** Runs {@code action} for every session on this node. */
  void forEach(Consumer<Session> action);

  /** A session of another node, as the admin API lists it. */
  record Remote(String node, String sessionId, String userId, String deviceId, String platform, long connectedAt) {}

  /** The user's sessions on the other nodes (none on a server of its own). */
  default CompletionStage<List<Remote>> sessionsElsewhere(String user) {
    return CompletableFuture.completedFuture(List.of());
  }

  /**
   * Kicks the user's sessions on the other nodes: every one when {@code sessionId} is null, else
   * the one with that id (on {@code node}, or on any node when it is null); answers how many were
   * asked to close.
   */
  default CompletionStage<Integer> kickElsewhere(String user, String node, String sessionId, KickReason reason,
      String why) {
    return CompletableFuture.completedFuture(0);
  }
}
