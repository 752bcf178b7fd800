package dev.parley.live.rtmp.handshake;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.parley.core.testing.ManualTime;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Fuzz target for the server handshake: any input is answered, awaited, or refused with a
 * {@link HandshakeException}. An input that starts with version 3 and holds C0 and C1 gets
 * exactly S0, S1 and S2 back; one that also holds C2 completes the handshake and hands every byte
 * after C2 on, untouched.
 *
 * <p>Every build replays the inputs in {@code HandshakeFuzzTestInputs/anyBytesAreAnsweredOrRefusedCleanly/}
 * under the test resources: the opening bytes (C0, C1, C2, then the first chunks) captured from
 * ffmpeg 5.1 publishing, ffprobe playing and GStreamer 1.22 publishing (rtmp2sink, librtmp's
 * rtmpsink) to Parley. Fuzzing for real ({@code JAZZER_FUZZ=1}, see docs/DEVELOPMENT.md) writes
 * every input that fails into that directory, where it is kept and replayed from then on.
 */
class HandshakeFuzzTest {
  @FuzzTest(maxDuration = "60s")
  void anyBytesAreAnsweredOrRefusedCleanly(byte[] input) {
    AtomicBoolean done = new AtomicBoolean();
    EmbeddedChannel ch = new EmbeddedChannel(new ServerHandshakeDecoder(new ManualTime(), ctx -> done.set(true)));
    boolean refused = false;
    try {
      ch.writeInbound(Unpooled.wrappedBuffer(input));
    } catch (DecoderException e) {
      if (!(e.getCause() instanceof HandshakeException)) {
        throw e;
      }
      refused = true;
    }
    try {
      boolean plain = input.length > 0 && input[0] == 3;
      assertThat(refused).as("refused").isEqualTo(input.length > 0 && !plain);
      ByteBuf answer = ch.readOutbound();
      if (plain && input.length >= 1 + HandshakeCrypto.SIZE) {
        assertThat(answer.readableBytes()).isEqualTo(1 + 2 * HandshakeCrypto.SIZE);
        assertThat(answer.getByte(0)).isEqualTo((byte) 3);
        answer.release();
      } else {
        assertThat(answer).isNull();
      }
      int rest = input.length - (1 + 2 * HandshakeCrypto.SIZE);
      assertThat(done.get()).isEqualTo(plain && rest >= 0);
      if (plain && rest > 0) {
        ByteBuf after = ch.readInbound();
        assertThat(after.readableBytes()).isEqualTo(rest);
        for (int i = 0; i < rest; i++) {
          assertThat(after.getByte(after.readerIndex() + i)).isEqualTo(input[input.length - rest + i]);
        }
        after.release();
      }
    } finally {
      ch.finishAndReleaseAll();
    }
  }
}
