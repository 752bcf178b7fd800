package dev.parley.live.amf;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.Unpooled;

/**
 * Fuzz target for the AMF0/AMF3 decoders: any input decodes or fails with {@link AmfException},
 * nothing else.
 *
 * <p>Every build replays the inputs in {@code AmfFuzzTestInputs/anyBytesDecodeOrFailCleanly/}
 * under the test resources: command and data message bodies captured from ffmpeg 5.1, ffprobe
 * and GStreamer 1.22 (rtmp2sink, librtmp's rtmpsink) talking to Parley (connect, publish, play,
 * deleteStream, {@code @setDataFrame} with {@code onMetaData}), Parley's own answers, and an input
 * fuzzing once found (an AMF3 dictionary keyed by itself). Fuzzing for real ({@code JAZZER_FUZZ=1},
 * see docs/DEVELOPMENT.md) writes every input that fails into that directory, where it is kept and
 * replayed from then on.
 */
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
