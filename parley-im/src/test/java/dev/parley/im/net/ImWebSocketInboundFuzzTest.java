package dev.parley.im.net;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.util.ReferenceCountUtil;

/**
 * Fuzz target for the server's WebSocket message decoding (binary: protobuf, text: the JSON
 * mapping): any message decodes to frames, heartbeats and format switches, or to one Malformed,
 * with nothing thrown and nothing leaked. The first input byte picks the kind (even: binary, odd:
 * text); the rest is the message.
 *
 * <p>Every build replays the seed corpus in
 * {@code src/test/resources/dev/parley/im/net/ImWebSocketInboundFuzzTestInputs/anyMessageDecodesOrIsReportedMalformed/}:
 * WebSocket messages captured from the test client talking to the server (see
 * {@code CorpusCaptureTest}), and every input a fuzzing run found crashing, kept there as a
 * regression case. {@code JAZZER_FUZZ=1} fuzzes for real.
 */
class ImWebSocketInboundFuzzTest {
  @FuzzTest(maxDuration = "60s")
  void anyMessageDecodesOrIsReportedMalformed(byte[] input) {
    EmbeddedChannel ch = new EmbeddedChannel(new ImWebSocketInbound());
    try {
      if (input.length > 0) {
        byte[] body = java.util.Arrays.copyOfRange(input, 1, input.length);
        Object message = (input[0] & 1) == 0 ? new BinaryWebSocketFrame(Unpooled.wrappedBuffer(body))
            : new TextWebSocketFrame(Unpooled.wrappedBuffer(body));
        ch.writeInbound(message);
        // A second message after it: after a Malformed nothing more may come out.
        ch.writeInbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(body)));
      }
      Object o;
      int malformed = 0;
      boolean afterMalformed = false;
      while ((o = ch.readInbound()) != null) {
        if (afterMalformed) {
          throw new IllegalStateException("output after Malformed: " + o);
        }
        if (o instanceof Inbound.Malformed) {
          malformed++;
          afterMalformed = true;
        }
        ReferenceCountUtil.release(o);
      }
      if (malformed > 1) {
        throw new IllegalStateException("more than one Malformed for one connection");
      }
    } finally {
      ch.finishAndReleaseAll();
    }
  }
}
