/** End-to-end tests of the STUN/TURN server with coturn's client tools. */
package dev.parley.it.rtc;
