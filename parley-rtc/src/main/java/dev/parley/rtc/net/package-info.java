/** Transports of the STUN/TURN server: the UDP listener sockets and the TCP/TLS framing and connection handler. */
package dev.parley.rtc.net;
