/** Benchmark support shared by every system's benchmarks: the server as a separate process, figures. */
package dev.parley.bench;
