/**
 * The server side of the RTMP handshake in its simple and complex (digest) forms. Internal to
 * parley-live; the client side is in the test-jar, and its simple form in {@link
 * dev.parley.live.rtmp.handshake.PullHandshakeDecoder} (a node pulling from another).
 */
package dev.parley.live.rtmp.handshake;
