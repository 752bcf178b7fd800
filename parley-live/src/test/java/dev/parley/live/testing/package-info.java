/**
 * Test fixtures in parley-live's test-jar: a small RTMP client (publish and play) for the tests,
 * parley-bench and tools. Not in the production jar.
 */
package dev.parley.live.testing;
