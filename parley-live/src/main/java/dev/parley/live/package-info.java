/** Live streaming: RTMP ingest and play, HTTP-FLV, HLS, recording, the player page. */
package dev.parley.live;
