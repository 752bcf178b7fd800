package dev.parley.live.amf;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.Unpooled;

/** Fuzz target for the AMF0/AMF3 decoders: any input decodes or fails with {@link AmfException}, nothing else. */
class AmfFuzzTest {
  @FuzzTest(maxDuration = "60s")
  void anyBytesDecodeOrFailCleanly(byte[] input) {
    try {
      new Amf0Reader(Unpooled.wrappedBuffer(input)).readAll();
    } catch (AmfException expected) {
      // Malformed input is reported this way and only this way.
    }
    try {
      Amf3Reader r = new Amf3Reader(Unpooled.wrappedBuffer(input));
      r.read();
    } catch (AmfException expected) {
      // Same for AMF3.
    }
  }
}
