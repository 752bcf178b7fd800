/**
 * The server's one source of time: wall clock, monotonic nanoseconds and timers. Every deadline
 * in Parley goes through {@link dev.parley.core.time.TimeSource}, so tests move time by hand.
 */
package dev.parley.core.time;
