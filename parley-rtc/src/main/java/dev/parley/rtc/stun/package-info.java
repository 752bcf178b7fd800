/** The STUN message codec (RFC 8489) with TURN's attributes (RFC 8656): pure, no I/O. */
package dev.parley.rtc.stun;
