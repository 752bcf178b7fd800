/**
 * The TURN server (RFC 8656): allocations and their relay sockets, permissions, channels, quotas
 * ({@code UserAllocations}, the per-user count a cluster shares), request handling and the relay,
 * the handler names of every STUN/TURN pipeline. Each allocation lives on its client's event loop.
 * Internal to parley-rtc ({@code TurnServer} and {@code RtcMetrics} are public for stats and the
 * end-to-end tests).
 */
package dev.parley.rtc.turn;
