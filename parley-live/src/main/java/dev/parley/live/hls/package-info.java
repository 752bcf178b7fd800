/** HLS: the MPEG-TS muxer, the segmenter and the playlist and segment routes. */
package dev.parley.live.hls;
