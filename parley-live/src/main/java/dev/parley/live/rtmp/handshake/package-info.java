/**
 * The server side of the RTMP handshake in its simple and complex (digest) forms, and the client
 * side ({@link dev.parley.live.rtmp.handshake.PullHandshakeDecoder}: a node pulling from another,
 * and the test client, whose C1 and checks of the answer are in the test-jar). Internal to
 * parley-live.
 */
package dev.parley.live.rtmp.handshake;
