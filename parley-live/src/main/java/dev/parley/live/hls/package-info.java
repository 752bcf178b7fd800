/**
 * HLS: the MPEG-TS muxer, the segmenter of each stream, playlists, and the sweep of old segments.
 * Internal to parley-live; the routes that serve it are in {@code dev.parley.live.web}.
 */
package dev.parley.live.hls;
