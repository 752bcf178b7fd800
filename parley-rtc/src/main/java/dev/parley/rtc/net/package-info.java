/**
 * Transports of the STUN/TURN server: the TCP/TLS pipeline (framing and the connection handler)
 * and the UDP listener sockets, see {@code TurnHandlerNames} for every pipeline's order. A
 * connection's state stays on its event loop. Internal to parley-rtc.
 */
package dev.parley.rtc.net;
