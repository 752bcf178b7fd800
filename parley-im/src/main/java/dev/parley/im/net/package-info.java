/**
 * IM transports: the TCP and WebSocket pipelines (built in {@code ImTransports}, handler names and
 * order in {@code ImHandlerNames}), the decoders, the connection that becomes a session, its
 * deadlines and the shared sweep that checks them, and the shutdown of open connections.
 * Internal to parley-im, except {@code ImFrameDecoder} and
 * {@code Inbound}, which parley-bench's load clients use to read IM over TCP.
 */
package dev.parley.im.net;
