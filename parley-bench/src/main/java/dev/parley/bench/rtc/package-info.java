/** TURN relay benchmark: Parley's STUN/TURN server side by side with coturn under the same load. */
package dev.parley.bench.rtc;
