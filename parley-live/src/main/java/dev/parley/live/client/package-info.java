/** A small RTMP client (publish and play) for tests, benchmarks and tools. */
package dev.parley.live.client;
