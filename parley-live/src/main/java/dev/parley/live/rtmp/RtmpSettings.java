package dev.parley.live.rtmp;

import java.time.Duration;

/**
 * How RTMP connections behave.
 *
 * @param chunkSize our outgoing chunk size (at least 4096)
 * @param maxMessageSize largest message (and chunk size) a peer may send
 * @param handshakeTimeout time from TCP accept to publish or play
 * @param idleTimeout a connection that sends nothing for this long is closed
 * @param pingInterval how often we ping the peer (its answers keep quiet viewers from idling out)
 * @param ackWindow the acknowledgement window we ask for and announce as peer bandwidth
 * @param waitForPublisher a player of a stream nobody publishes waits (true) or gets StreamNotFound (false)
 * @param viewerQueueBytes bytes queued for one viewer before it drops to the next keyframe
 */
public record RtmpSettings(int chunkSize, int maxMessageSize, Duration handshakeTimeout, Duration idleTimeout,
    Duration pingInterval, int ackWindow, boolean waitForPublisher, long viewerQueueBytes) {}
