package dev.parley.live.amf;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/** Bounds-checked reads shared by the AMF0 and AMF3 readers. */
final class AmfBytes {
  private AmfBytes() {}

  static void need(ByteBuf in, int n, String what) throws AmfException {
    if (n < 0 || in.readableBytes() < n) {
      throw new AmfException(what + " value truncated: need " + n + " bytes, " + in.readableBytes() + " left");
    }
  }

  static String utf8(ByteBuf in, int length, String what) throws AmfException {
    need(in, length, what);
    String s = in.toString(in.readerIndex(), length, StandardCharsets.UTF_8);
    in.skipBytes(length);
    return s;
  }
}
