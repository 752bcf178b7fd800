/**
 * Heartbeat policies (public): {@code HeartbeatPolicy.fixed} (a fixed interval, package-private
 * {@code FixedHeartbeat}) and {@code AdaptiveHeartbeat}, which learns each network's NAT timeout
 * and keeps it in a {@code HeartbeatMemory}. When a heartbeat is due is the client's
 * ({@code dev.parley.client.HeartbeatTimer}); these only choose the interval.
 */
package dev.parley.client.heartbeat;
