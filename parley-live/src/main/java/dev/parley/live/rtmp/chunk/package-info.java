/**
 * The RTMP chunk stream: decoding chunks into messages and encoding messages into chunks, and the
 * message type ids. Pure codec; internal to parley-live (public for the RTMP connection, the
 * media frames, the test client and the benchmarks).
 */
package dev.parley.live.rtmp.chunk;
