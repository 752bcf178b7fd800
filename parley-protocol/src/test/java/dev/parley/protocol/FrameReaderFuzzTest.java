package dev.parley.protocol;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.parley.protocol.im.Frame;

/**
 * Fuzz target for the client-side TCP frame reader: any input either decodes or fails with a
 * {@link FrameException}; nothing else escapes.
 *
 * <p>Every build replays the seed corpus in
 * {@code src/test/resources/dev/parley/protocol/FrameReaderFuzzTestInputs/anyBytesDecodeOrFailCleanly/}:
 * what the server really sent the IM test client over TCP, whole sessions and frame by frame
 * (written by parley-im's {@code CorpusCaptureTest}), and every input a fuzzing run found crashing,
 * which Jazzer stores there and which stays as a regression case. {@code JAZZER_FUZZ=1} fuzzes for
 * real.
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
