package dev.parley.live.rtmp.chunk;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;

/** Fuzz target for the chunk decoder: any input decodes or fails with a {@link RtmpProtocolException}. */
class ChunkDecoderFuzzTest {
  @FuzzTest(maxDuration = "60s")
  void anyBytesDecodeOrFailCleanly(byte[] input) {
    EmbeddedChannel ch = new EmbeddedChannel(new ChunkDecoder(64 * 1024, 64 * 1024));
    try {
      int half = input.length / 2;
      ch.writeInbound(Unpooled.wrappedBuffer(input, 0, half));
      ch.writeInbound(Unpooled.wrappedBuffer(input, half, input.length - half));
    } catch (DecoderException e) {
      if (!(e.getCause() instanceof RtmpProtocolException)) {
        throw e;
      }
    } finally {
      ch.finishAndReleaseAll();
    }
  }
}
