/** Live streaming benchmarks: players per core, first-frame time and latency, side by side with nginx-rtmp. */
package dev.parley.bench.live;
