package dev.parley.live.rtmp;

import dev.parley.live.rtmp.chunk.MessageType;

/**
 * Undoes the 32-bit rollover of RTMP timestamps (about every 49.7 days), per track (audio 0,
 * video 1, data 2), so that a stream's timeline keeps growing. One per publishing connection, on
 * its event loop.
 */
public final class Timestamps {
  private final long[] last = new long[3];
  private final long[] base = new long[3];
  private final boolean[] seen = new boolean[3];

  /** The track of a media message type: audio 0, video 1, anything else (data) 2. */
  public static int track(int type) {
    return type == MessageType.AUDIO ? 0 : type == MessageType.VIDEO ? 1 : 2;
  }

  /** The extended timestamp of {@code ts32} on {@code track}. */
  public long extend(int track, long ts32) {
    if (!seen[track]) {
      seen[track] = true;
    } else {
      long diff = ts32 - last[track];
      if (diff < -0x80000000L) {
        base[track] += 1L << 32;
      } else if (diff > 0x80000000L && base[track] > 0) {
        base[track] -= 1L << 32; // a late frame from before the wrap
      }
    }
    last[track] = ts32;
    return base[track] + ts32;
  }
}
