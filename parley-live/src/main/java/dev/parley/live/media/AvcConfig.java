package dev.parley.live.media;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An H.264 decoder configuration record (the AVC sequence header of FLV) with what the HLS muxer
 * and the stats need: parameter sets, the NAL length size, and the picture size from the SPS.
 *
 * @param nalLengthSize bytes of each NAL unit's length prefix (1, 2 or 4)
 * @param sps sequence parameter sets
 * @param pps picture parameter sets
 * @param width picture width in pixels (0 if the SPS could not be read)
 * @param height picture height in pixels
 * @param profile profile_idc
 * @param level level_idc
 */
public record AvcConfig(int nalLengthSize, List<byte[]> sps, List<byte[]> pps, int width, int height, int profile,
    int level) {

  /** Parses the record from an FLV video tag body (legacy AVC or enhanced avc1 SequenceStart); null if malformed. */
  public static AvcConfig fromTag(byte[] tag) {
    int off = 5; // legacy: type byte, packet type, composition time; enhanced: type byte, FourCC
    if (tag.length < off + 6) {
      return null;
    }
    try {
      int p = off + 4;
      int nalLen = (tag[p++] & 0x03) + 1;
      int numSps = tag[p++] & 0x1F;
      List<byte[]> sps = new ArrayList<>();
      for (int i = 0; i < numSps; i++) {
        int len = ((tag[p] & 0xFF) << 8) | (tag[p + 1] & 0xFF);
        p += 2;
        sps.add(Arrays.copyOfRange(tag, p, checkEnd(tag, p + len)));
        p += len;
      }
      int numPps = tag[p++] & 0xFF;
      List<byte[]> pps = new ArrayList<>();
      for (int i = 0; i < numPps; i++) {
        int len = ((tag[p] & 0xFF) << 8) | (tag[p + 1] & 0xFF);
        p += 2;
        pps.add(Arrays.copyOfRange(tag, p, checkEnd(tag, p + len)));
        p += len;
      }
      int[] size = sps.isEmpty() ? new int[2] : spsSize(sps.get(0));
      int profile = sps.isEmpty() || sps.get(0).length < 4 ? 0 : sps.get(0)[1] & 0xFF;
      int level = sps.isEmpty() || sps.get(0).length < 4 ? 0 : sps.get(0)[3] & 0xFF;
      return new AvcConfig(nalLen, sps, pps, size[0], size[1], profile, level);
    } catch (IndexOutOfBoundsException e) {
      return null;
    }
  }

  private static int checkEnd(byte[] b, int end) {
    if (end > b.length) {
      throw new IndexOutOfBoundsException("parameter set runs past the record");
    }
    return end;
  }

  /** Width and height from an SPS NAL unit (with its header byte); zeros when it cannot be read. */
  static int[] spsSize(byte[] nal) {
    try {
      BitReader r = new BitReader(unescape(nal), 1);
      int profile = r.bits(8);
      r.bits(16); // constraint flags, level
      r.ue(); // seq_parameter_set_id
      int chroma = 1;
      boolean separatePlanes = false;
      if (profile == 100 || profile == 110 || profile == 122 || profile == 244 || profile == 44 || profile == 83
          || profile == 86 || profile == 118 || profile == 128 || profile == 138 || profile == 139 || profile == 134
          || profile == 135) {
        chroma = r.ue();
        if (chroma == 3) {
          separatePlanes = r.bits(1) == 1;
        }
        r.ue();
        r.ue();
        r.bits(1);
        if (r.bits(1) == 1) {
          for (int i = 0; i < (chroma != 3 ? 8 : 12); i++) {
            if (r.bits(1) == 1) {
              skipScalingList(r, i < 6 ? 16 : 64);
            }
          }
        }
      }
      r.ue(); // log2_max_frame_num_minus4
      int pocType = r.ue();
      if (pocType == 0) {
        r.ue();
      } else if (pocType == 1) {
        r.bits(1);
        r.se();
        r.se();
        int n = r.ue();
        for (int i = 0; i < n; i++) {
          r.se();
        }
      }
      r.ue(); // max_num_ref_frames
      r.bits(1);
      int wMbs = r.ue() + 1;
      int hMaps = r.ue() + 1;
      int frameMbsOnly = r.bits(1);
      if (frameMbsOnly == 0) {
        r.bits(1);
      }
      r.bits(1);
      int cl = 0;
      int cr = 0;
      int ct = 0;
      int cb = 0;
      if (r.bits(1) == 1) {
        cl = r.ue();
        cr = r.ue();
        ct = r.ue();
        cb = r.ue();
      }
      int arrayType = separatePlanes ? 0 : chroma;
      int cropX = arrayType == 0 ? 1 : arrayType == 3 ? 1 : 2;
      int cropY = (arrayType == 0 ? 1 : arrayType == 1 ? 2 : 1) * (2 - frameMbsOnly);
      return new int[] {wMbs * 16 - (cl + cr) * cropX, (2 - frameMbsOnly) * hMaps * 16 - (ct + cb) * cropY};
    } catch (RuntimeException e) {
      return new int[2];
    }
  }

  private static void skipScalingList(BitReader r, int size) {
    int last = 8;
    int next = 8;
    for (int j = 0; j < size; j++) {
      if (next != 0) {
        next = (last + r.se() + 256) % 256;
      }
      last = next == 0 ? last : next;
    }
  }

  /** Removes emulation prevention bytes (00 00 03 → 00 00). */
  static byte[] unescape(byte[] nal) {
    byte[] out = new byte[nal.length];
    int n = 0;
    int zeros = 0;
    for (byte b : nal) {
      if (zeros >= 2 && b == 3) {
        zeros = 0;
        continue;
      }
      out[n++] = b;
      zeros = b == 0 ? zeros + 1 : 0;
    }
    return Arrays.copyOf(out, n);
  }

  /** Reads bits and Exp-Golomb codes, big-endian. */
  static final class BitReader {
    private final byte[] data;
    private int bit;

    BitReader(byte[] data, int startByte) {
      this.data = data;
      this.bit = startByte * 8;
    }

    int bits(int n) {
      int v = 0;
      for (int i = 0; i < n; i++) {
        if (bit >= data.length * 8) {
          throw new IllegalStateException("SPS truncated");
        }
        v = (v << 1) | ((data[bit >> 3] >> (7 - (bit & 7))) & 1);
        bit++;
      }
      return v;
    }

    int ue() {
      int zeros = 0;
      while (bits(1) == 0) {
        if (++zeros > 31) {
          throw new IllegalStateException("bad Exp-Golomb code");
        }
      }
      return zeros == 0 ? 0 : (1 << zeros) - 1 + bits(zeros);
    }

    int se() {
      int k = ue();
      return (k & 1) == 1 ? (k + 1) / 2 : -(k / 2);
    }
  }
}
