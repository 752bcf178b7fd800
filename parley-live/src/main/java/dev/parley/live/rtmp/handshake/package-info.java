/** The RTMP handshake in its simple and complex (digest) forms. */
package dev.parley.live.rtmp.handshake;
