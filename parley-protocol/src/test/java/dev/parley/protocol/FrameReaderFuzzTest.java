package dev.parley.protocol;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.parley.protocol.im.Frame;

/**
 * Fuzz target for the TCP frame decoder: any input either decodes or fails with a
 * {@link FrameException}; nothing else escapes. Runs its corpus in every build; CI fuzzes it for a
 * bounded time with JAZZER_FUZZ=1.
 */
class FrameReaderFuzzTest {
  @FuzzTest(maxDuration = "60s")
  void anyBytesDecodeOrFailCleanly(byte[] input) {
    FrameReader reader = new FrameReader(64 * 1024);
    try {
      int half = input.length / 2;
      FrameReader.Sink sink = new FrameReader.Sink() {
        @Override
        public void onFrame(Frame frame) {
          frame.getSerializedSize();
        }

        @Override
        public void onHeartbeat() {}
      };
      reader.feed(input, 0, half, sink);
      reader.feed(input, half, input.length - half, sink);
    } catch (FrameException expected) {
      // Malformed input is reported this way and only this way.
    }
  }
}
