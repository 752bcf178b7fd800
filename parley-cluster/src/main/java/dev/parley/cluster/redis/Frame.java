package dev.parley.cluster.redis;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** A message of the bus on the wire: sender and topic, each a length byte and UTF-8, then the payload. */
record Frame(String from, String topic, byte[] payload) {
  /** The bytes of a message from {@code from} of {@code topic}. */
  static byte[] encode(String from, String topic, byte[] payload) {
    byte[] f = from.getBytes(StandardCharsets.UTF_8);
    byte[] t = topic.getBytes(StandardCharsets.UTF_8);
    if (f.length > 255 || t.length > 255) {
      throw new IllegalArgumentException("node id or topic longer than 255 bytes");
    }
    return ByteBuffer.allocate(2 + f.length + t.length + payload.length).put((byte) f.length).put(f)
        .put((byte) t.length).put(t).put(payload).array();
  }

  /** A frame read back, or null when the message is not one. */
  static Frame parse(byte[] m) {
    if (m.length < 2) {
      return null;
    }
    int f = m[0] & 0xff;
    if (1 + f + 1 > m.length) {
      return null;
    }
    int t = m[1 + f] & 0xff;
    int start = 2 + f + t;
    if (start > m.length) {
      return null;
    }
    byte[] payload = new byte[m.length - start];
    System.arraycopy(m, start, payload, 0, payload.length);
    return new Frame(new String(m, 1, f, StandardCharsets.UTF_8), new String(m, 2 + f, t, StandardCharsets.UTF_8),
        payload);
  }
}
