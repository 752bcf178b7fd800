/** The TURN server (RFC 8656): allocations, permissions, channels, quotas, request handling and the relay. */
package dev.parley.rtc.turn;
