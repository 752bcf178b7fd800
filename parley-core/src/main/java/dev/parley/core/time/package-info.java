/**
 * The server's one source of time: wall clock, monotonic nanoseconds and timers. Every deadline
 * in Parley goes through {@link TimeSource}, so tests move time by hand. Public API.
 */
package dev.parley.core.time;
