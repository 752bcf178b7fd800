package dev.parley.live.hls;

import dev.parley.live.media.AvcConfig;
import java.io.ByteArrayOutputStream;

/** Turns length-prefixed (AVCC) H.264 access units into Annex B byte streams for MPEG-TS. */
final class AnnexB {
  private static final byte[] START = {0, 0, 0, 1};
  private static final byte[] AUD = {0, 0, 0, 1, 0x09, (byte) 0xF0};

  private AnnexB() {}

  /**
   * An access unit: an access unit delimiter, the parameter sets before a keyframe, then every NAL
   * unit of {@code data[offset..]} with a start code. Null if the length prefixes are inconsistent.
   */
  static byte[] h264(AvcConfig config, byte[] data, int offset, boolean keyframe) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(data.length + 64);
    out.write(AUD, 0, AUD.length);
    if (keyframe) {
      for (byte[] sps : config.sps()) {
        out.write(START, 0, 4);
        out.write(sps, 0, sps.length);
      }
      for (byte[] pps : config.pps()) {
        out.write(START, 0, 4);
        out.write(pps, 0, pps.length);
      }
    }
    int n = config.nalLengthSize();
    int p = offset;
    while (p + n <= data.length) {
      int len = 0;
      for (int i = 0; i < n; i++) {
        len = (len << 8) | (data[p + i] & 0xFF);
      }
      p += n;
      if (len < 0 || p + len > data.length) {
        return null;
      }
      int type = len > 0 ? data[p] & 0x1F : 0;
      if (len > 0 && type != 9) { // our own delimiter is already there
        out.write(START, 0, 4);
        out.write(data, p, len);
      }
      p += len;
    }
    return out.toByteArray();
  }
}
