/**
 * TURN relay benchmark: Parley's STUN/TURN server side by side with coturn under the same load.
 * Internal to parley-bench; the public classes are the programs it runs.
 */
package dev.parley.bench.rtc;
