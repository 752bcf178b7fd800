/** Benchmarks of the Java SDK: the reconnect storm. */
package dev.parley.bench.client;
