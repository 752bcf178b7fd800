/** End-to-end tests of the live server over real sockets: RTMP clients, HTTP-FLV and HLS readers. */
package dev.parley.live.it;
