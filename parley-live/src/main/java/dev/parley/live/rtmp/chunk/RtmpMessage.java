package dev.parley.live.rtmp.chunk;

/**
 * One RTMP message, reassembled from its chunks.
 *
 * @param chunkStreamId the chunk stream it came on
 * @param type message type id ({@link MessageType})
 * @param timestamp the 32-bit timestamp (unsigned, in a long), before rollover is undone
 * @param streamId the message stream id (0 for connection-level messages)
 * @param payload the message body; the decoder hands it over and keeps no reference
 */
public record RtmpMessage(int chunkStreamId, int type, long timestamp, int streamId, byte[] payload) {
  @Override
  public String toString() {
    return "RtmpMessage[csid=" + chunkStreamId + ", type=" + type + ", ts=" + timestamp + ", msid=" + streamId
        + ", " + payload.length + " bytes]";
  }
}
