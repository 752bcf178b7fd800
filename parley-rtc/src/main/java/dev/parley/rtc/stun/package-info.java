/**
 * The STUN message codec (RFC 8489) with TURN's attributes (RFC 8656) and ChannelData: pure, no I/O.
 * Internal to parley-rtc (public for the transports, the TURN engine and the benchmarks' client).
 */
package dev.parley.rtc.stun;
