/**
 * IM benchmarks: idle connections, durable 1:1 throughput and latency, group fan-out, on raw TCP load clients.
 * Internal to parley-bench; {@code ImBench} is the program.
 */
package dev.parley.bench.im;
