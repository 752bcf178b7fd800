/**
 * The server side of the RTMP handshake in its simple and complex (digest) forms. Internal to
 * parley-live; the client side is in the test-jar.
 */
package dev.parley.live.rtmp.handshake;
