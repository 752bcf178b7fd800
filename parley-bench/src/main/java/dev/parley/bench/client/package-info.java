/**
 * Benchmarks of the Java SDK: the reconnect storm.
 * Internal to parley-bench; the public classes are the programs it runs.
 */
package dev.parley.bench.client;
