package dev.parley.rtc.turn;

/**
 * How many TURN allocations each user holds, against {@code rtc.turn.user-quota}: the one piece of
 * TURN state that nodes serving the same users must share. Everything else about an allocation
 * (its relay socket, permissions, channels, lifetime) lives on the node and event loop its client's
 * 5-tuple reaches, and may be lost with that node; the server's own cap
 * ({@code rtc.turn.total-quota}) is a per-node limit and stays local. Today's implementation,
 * {@link LocalUserAllocations}, counts in memory.
 *
 * <p>The contract a cluster implementation (Redis) meets:
 *
 * <ul>
 *   <li>every method is called on an event loop and must not block it: a shared implementation
 *       answers from the node's own counts plus its latest view of the other nodes' (for example a
 *       hash per user with one field per node, written with {@code HINCRBY} in the background and
 *       read through a local copy kept fresh by the bus), so allocations racing on two nodes may
 *       pass the quota by those in flight, never by more;
 *   <li>{@link #tryAcquire} and {@link #release} pair up: each successful acquire is released
 *       exactly once, when the allocation ends on this node;
 *   <li>a node's counts end with the node: they expire unless the node keeps renewing them, since
 *       its allocations die with it;
 *   <li>{@link #heldBy} reports the cluster-wide count as far as this node knows it.
 * </ul>
 */
public interface UserAllocations {
  /**
   * Counts one more allocation for {@code userId} unless it holds {@code limit} already (a limit of
   * 0 means no cap); true when counted.
   */
  boolean tryAcquire(String userId, int limit);

  /** One allocation of {@code userId} ended. */
  void release(String userId);

  /** Allocations {@code userId} holds now. */
  int heldBy(String userId);
}
