package dev.parley.live.rtmp.handshake;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.parley.core.testing.ManualTime;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;

/** Fuzz target for the server handshake: any input is answered, awaited, or refused with a {@link HandshakeException}. */
class HandshakeFuzzTest {
  @FuzzTest(maxDuration = "60s")
  void anyBytesAreAnsweredOrRefusedCleanly(byte[] input) {
    EmbeddedChannel ch = new EmbeddedChannel(new ServerHandshakeDecoder(new ManualTime(), ctx -> { }));
    try {
      ch.writeInbound(Unpooled.wrappedBuffer(input));
    } catch (DecoderException e) {
      if (!(e.getCause() instanceof HandshakeException)) {
        throw e;
      }
    } finally {
      ch.finishAndReleaseAll();
    }
  }
}
