package dev.parley.bench.live;

import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32;

/**
 * When each video frame was sent, keyed by a fingerprint of its bytes (length and a CRC of the
 * first bytes): servers pass frames through untouched, so a reader finds the send time of what it
 * received whatever the server does to timestamps.
 */
final class FrameClock {
  private final ConcurrentHashMap<Long, Long> sent = new ConcurrentHashMap<>();

  static long fingerprint(byte[] body, int off, int len, int totalLength) {
    CRC32 crc = new CRC32();
    crc.update(body, off, len);
    return ((long) totalLength << 32) ^ crc.getValue();
  }

  static int fingerprintBytes(int length) {
    return Math.min(64, length);
  }

  void sent(byte[] body, long nanos) {
    sent.put(fingerprint(body, 0, fingerprintBytes(body.length), body.length), nanos);
  }

  /** The send time of a frame, or -1. */
  long sentAt(long fingerprint) {
    Long t = sent.get(fingerprint);
    return t == null ? -1 : t;
  }
}
