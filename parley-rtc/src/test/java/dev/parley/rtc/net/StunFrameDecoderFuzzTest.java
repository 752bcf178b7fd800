package dev.parley.rtc.net;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.parley.rtc.stun.StunDecoder;
import dev.parley.rtc.stun.StunException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;

/**
 * Fuzz target for the TCP framing: any byte stream, split in two, yields frames and at most one
 * {@link StunFrameDecoder.Malformed}, never an exception or a leaked buffer; STUN frames then decode
 * or fail with {@link StunException}.
 *
 * <p>Every build replays the inputs in {@code src/test/resources/dev/parley/rtc/net/
 * StunFrameDecoderFuzzTestInputs/anyStreamFramesOrFailsCleanly/}: the first 2 KiB of real TCP
 * streams captured with tshark while coturn's turnutils_uclient ran against Parley (client to
 * server and back; allocations, ChannelData, Send and Data indications). With
 * {@code JAZZER_FUZZ=1} Jazzer mutates from them; an input that crashes is written to the same
 * directory and committed as a regression case.
 */
class StunFrameDecoderFuzzTest {
  @FuzzTest(maxDuration = "60s")
  void anyStreamFramesOrFailsCleanly(byte[] input) {
    EmbeddedChannel ch = new EmbeddedChannel(new StunFrameDecoder(2048));
    int half = input.length / 2;
    ch.writeInbound(Unpooled.wrappedBuffer(input, 0, half));
    ch.writeInbound(Unpooled.wrappedBuffer(input, half, input.length - half));
    int malformed = 0;
    for (Object o = ch.readInbound(); o != null; o = ch.readInbound()) {
      if (o instanceof StunFrameDecoder.Malformed) {
        malformed++;
        continue;
      }
      ByteBuf frame = (ByteBuf) o;
      try {
        if (StunDecoder.isStun(frame.getUnsignedByte(frame.readerIndex()))) {
          StunDecoder.decode(ByteBufUtil.getBytes(frame));
        }
      } catch (StunException expected) {
        // a frame with a valid length but bad content
      } finally {
        frame.release();
      }
    }
    if (malformed > 1) {
      throw new AssertionError("more than one Malformed for one stream");
    }
    ch.finishAndReleaseAll();
  }
}
