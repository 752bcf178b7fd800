package dev.parley.live.rtmp;

import dev.parley.live.rtmp.chunk.MessageType;
import dev.parley.live.rtmp.chunk.RtmpMessage;
import java.util.Arrays;

/**
 * Aggregate messages (type 22): FLV tags back to back, each followed by its 4-byte previous-tag
 * size, timed relative to the first tag. Pure; a truncated tag ends the aggregate.
 */
final class Aggregates {
  /** Where the audio and video tags of an aggregate go. */
  @FunctionalInterface
  interface TagSink {
    void tag(int type, long timestamp, byte[] body, int streamId);
  }

  private Aggregates() {}

  /** Gives each audio and video tag of {@code m} to {@code sink}, with its timestamp on the message's timeline. */
  static void split(RtmpMessage m, TagSink sink) {
    byte[] p = m.payload();
    int pos = 0;
    long base = -1;
    while (pos + 11 <= p.length) {
      int type = p[pos] & 0xFF;
      int size = ((p[pos + 1] & 0xFF) << 16) | ((p[pos + 2] & 0xFF) << 8) | (p[pos + 3] & 0xFF);
      long ts = (((p[pos + 4] & 0xFF) << 16) | ((p[pos + 5] & 0xFF) << 8) | (p[pos + 6] & 0xFF)
          | ((long) (p[pos + 7] & 0xFF) << 24)) & 0xFFFFFFFFL;
      if (pos + 11 + size > p.length) {
        return;
      }
      if (base < 0) {
        base = ts;
      }
      byte[] body = Arrays.copyOfRange(p, pos + 11, pos + 11 + size);
      if (type == MessageType.AUDIO || type == MessageType.VIDEO) {
        sink.tag(type, (m.timestamp() + ts - base) & 0xFFFFFFFFL, body, m.streamId());
      }
      pos += 11 + size + 4;
    }
  }
}
