package dev.parley.rtc.turn;

/**
 * How many TURN allocations each user holds, against {@code rtc.turn.user-quota}: the one piece of
 * TURN state that nodes serving the same users must share. Everything else about an allocation
 * (its relay socket, permissions, channels, lifetime) lives on the node and event loop its client's
 * 5-tuple reaches, and may be lost with that node; the server's own cap
 * ({@code rtc.turn.total-quota}) is a per-node limit and stays local. {@link LocalUserAllocations}
 * counts one node's in memory; {@link ClusterUserAllocations} adds the counts the other nodes send
 * over the bus.
 *
 * <p>The contract a cluster implementation meets:
 *
 * <ul>
 *   <li>every method is called on an event loop and must not block it: a shared implementation
 *       answers from the node's own counts plus its latest view of the other nodes', so
 *       allocations racing on two nodes may pass the quota by those in flight, never by more;
 *   <li>{@link #tryAcquire} and {@link #release} pair up: each successful acquire is released
 *       exactly once, when the allocation ends on this node;
 *   <li>a node's counts end with the node (it leaves the cluster view), since its allocations die
 *       with it;
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
