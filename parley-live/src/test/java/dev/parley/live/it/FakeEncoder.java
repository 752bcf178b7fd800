package dev.parley.live.it;

import dev.parley.live.amf.Amf;
import dev.parley.live.amf.Amf0Writer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

/**
 * Makes FLV tag bodies like an H.264/AAC encoder would: a real SPS (640x360), PPS, keyframes and
 * inter frames carrying their index, and AAC frames. The frames are not decodable pictures, but
 * every header a server looks at is right.
 */
final class FakeEncoder {
  static final int WIDTH = 640;
  static final int HEIGHT = 360;

  private FakeEncoder() {}

  static byte[] metadata() {
    ByteBuf b = Unpooled.buffer();
    Amf0Writer.writeAll(b, "@setDataFrame", "onMetaData", new Amf.EcmaArray(Amf.object("width", (double) WIDTH,
        "height", (double) HEIGHT, "framerate", 25.0, "videocodecid", 7.0, "audiocodecid", 10.0)));
    byte[] out = new byte[b.readableBytes()];
    b.readBytes(out);
    return out;
  }

  /** A data message other than metadata: {@code name} and an empty object. */
  static byte[] data(String name) {
    ByteBuf b = Unpooled.buffer();
    Amf0Writer.writeAll(b, name, Amf.object("name", "marker"));
    byte[] out = new byte[b.readableBytes()];
    b.readBytes(out);
    return out;
  }

  /** AVC sequence header: AVCDecoderConfigurationRecord with one SPS and one PPS. */
  static byte[] avcConfig() {
    return avcConfig(WIDTH, HEIGHT);
  }

  /** The sequence header of an encoder at another resolution (multiples of 2). */
  static byte[] avcConfig(int width, int height) {
    byte[] sps = sps(width, height);
    byte[] pps = {0x68, (byte) 0xCE, 0x3C, (byte) 0x80};
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    o.writeBytes(new byte[] {0x17, 0x00, 0, 0, 0}); // keyframe + AVC, sequence header, cts 0
    // version, profile, compatibility, level, 4-byte NAL lengths, one SPS
    o.writeBytes(new byte[] {1, sps[1], sps[2], sps[3], (byte) 0xFF, (byte) 0xE1});
    o.write(sps.length >> 8);
    o.write(sps.length);
    o.writeBytes(sps);
    o.write(1);
    o.write(0);
    o.write(pps.length);
    o.writeBytes(pps);
    return o.toByteArray();
  }

  /** A baseline SPS for 640x360 (40x23 macroblocks, 8 rows cropped at the bottom). */
  static byte[] sps() {
    return sps(WIDTH, HEIGHT);
  }

  /** A baseline SPS for {@code width} x {@code height}, cropped at the bottom to the height. */
  static byte[] sps(int width, int height) {
    int mbRows = (height + 15) / 16;
    BitWriter w = new BitWriter();
    w.bits(0x67, 8); // NAL header: SPS
    w.bits(66, 8); // profile_idc baseline
    w.bits(0xC0, 8); // constraint flags
    w.bits(30, 8); // level_idc 3.0
    w.ue(0); // seq_parameter_set_id
    w.ue(0); // log2_max_frame_num_minus4
    w.ue(0); // pic_order_cnt_type
    w.ue(0); // log2_max_pic_order_cnt_lsb_minus4
    w.ue(1); // max_num_ref_frames
    w.bits(0, 1); // gaps_in_frame_num_value_allowed_flag
    w.ue(width / 16 - 1); // pic_width_in_mbs_minus1
    w.ue(mbRows - 1); // pic_height_in_map_units_minus1 (368 lines for 360)
    w.bits(1, 1); // frame_mbs_only_flag
    w.bits(1, 1); // direct_8x8_inference_flag
    w.bits(1, 1); // frame_cropping_flag
    w.ue(0);
    w.ue(0);
    w.ue(0);
    w.ue((mbRows * 16 - height) / 2); // bottom: in units of 2 lines (8 lines for 360)
    w.bits(0, 1); // vui_parameters_present_flag
    w.bits(1, 1); // rbsp_stop_one_bit
    return w.toByteArray();
  }

  /** A video frame with {@code index} in its NAL unit, padded to {@code size} bytes. */
  static byte[] video(int index, boolean key, int size) {
    int nalLen = Math.max(9, size - 9);
    ByteBuffer b = ByteBuffer.allocate(5 + 4 + nalLen);
    b.put((byte) (key ? 0x17 : 0x27)).put((byte) 1).put((byte) 0).put((byte) 0).put((byte) 0);
    b.putInt(nalLen);
    b.put((byte) (key ? 0x65 : 0x41)); // IDR slice or non-IDR slice
    b.putInt(index);
    return b.array();
  }

  /** The frame index a {@link #video} frame carries. */
  static int index(byte[] videoTag) {
    return ByteBuffer.wrap(videoTag, 10, 4).getInt();
  }

  static byte[] aacConfig() {
    return new byte[] {(byte) 0xAF, 0x00, 0x12, 0x10}; // AAC LC, 44.1 kHz, stereo
  }

  static byte[] audio(int index) {
    byte[] a = new byte[2 + 20];
    a[0] = (byte) 0xAF;
    a[1] = 1;
    a[2] = (byte) index;
    return a;
  }

  /** MSB-first bit writer with Exp-Golomb codes. */
  static final class BitWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private int cur;
    private int n;

    void bits(int v, int count) {
      for (int i = count - 1; i >= 0; i--) {
        cur = (cur << 1) | ((v >> i) & 1);
        if (++n == 8) {
          out.write(cur);
          cur = 0;
          n = 0;
        }
      }
    }

    void ue(int v) {
      int x = v + 1;
      int len = 32 - Integer.numberOfLeadingZeros(x);
      bits(0, len - 1);
      bits(x, len);
    }

    byte[] toByteArray() {
      if (n > 0) {
        bits(0, 8 - n);
      }
      return out.toByteArray();
    }
  }
}
