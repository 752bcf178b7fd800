/**
 * Live streaming: RTMP ingest and play, HTTP-FLV, HLS, recording, the player page. This package
 * holds the module ({@link dev.parley.live.LiveModule}, found by the kernel through
 * {@code ServiceLoader}) and its configuration keys; it wires the packages below and nothing
 * depends on it. Every other package of parley-live is internal to the module: other modules
 * reach live streaming only through the kernel (listeners, HTTP routes, stats).
 */
package dev.parley.live;
