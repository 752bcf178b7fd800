/** Tests of the live server with real sockets: RTMP clients, HTTP-FLV and HLS readers. */
package dev.parley.live.it;
