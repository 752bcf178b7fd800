/** The RTMP chunk stream: decoding chunks into messages and encoding messages into chunks. */
package dev.parley.live.rtmp.chunk;
