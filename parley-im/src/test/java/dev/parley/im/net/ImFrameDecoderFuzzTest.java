package dev.parley.im.net;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;

/**
 * Fuzz target for the server's TCP frame decoder: any bytes, in any split, decode to frames,
 * heartbeats or one Malformed, with nothing thrown and nothing leaked.
 *
 * <p>Every build replays the seed corpus in
 * {@code src/test/resources/dev/parley/im/net/ImFrameDecoderFuzzTestInputs/anyBytesDecodeOrAreReportedMalformed/}:
 * what the IM test client really sent the server over TCP, whole sessions and frame by frame
 * (written by {@code CorpusCaptureTest}), and every input a fuzzing run found crashing, which
 * Jazzer stores there and which stays as a regression case. {@code JAZZER_FUZZ=1} fuzzes for real.
 */
class ImFrameDecoderFuzzTest {
  @FuzzTest(maxDuration = "60s")
  void anyBytesDecodeOrAreReportedMalformed(byte[] input) {
    EmbeddedChannel ch = new EmbeddedChannel(new ImFrameDecoder(64 * 1024));
    try {
      int cut = input.length == 0 ? 0 : (input[0] & 0xFF) % (input.length + 1);
      ch.writeInbound(Unpooled.wrappedBuffer(input, 0, cut));
      ch.writeInbound(Unpooled.wrappedBuffer(input, cut, input.length - cut));
      Object o;
      int malformed = 0;
      while ((o = ch.readInbound()) != null) {
        if (o instanceof Inbound.Malformed) {
          malformed++;
        }
        ReferenceCountUtil.release(o);
      }
      if (malformed > 1) {
        throw new IllegalStateException("more than one Malformed for one stream");
      }
    } finally {
      ch.finishAndReleaseAll();
    }
  }
}
