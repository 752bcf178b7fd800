/**
 * Benchmark support shared by every system's benchmarks: the server under test (Parley or a peer)
 * as a separate process ({@link dev.parley.bench.ServerProcess}), a scrape of Parley's
 * {@code /metrics} ({@link dev.parley.bench.Metrics}), and CPU and memory from /proc.
 * Public for the benchmark packages beside it; nothing outside parley-bench uses it.
 */
package dev.parley.bench;
