/** Test fixtures: a raw STUN/TURN client over UDP and TCP, a settable clock. */
package dev.parley.rtc.testing;
