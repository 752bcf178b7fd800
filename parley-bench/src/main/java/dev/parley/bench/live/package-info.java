/**
 * Live streaming benchmarks: players per core, first-frame time and latency, side by side with nginx-rtmp.
 * Internal to parley-bench; {@code LiveBench} is the program.
 */
package dev.parley.bench.live;
