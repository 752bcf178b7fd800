package dev.parley.rtc.net;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.rtc.stun.StunDecoder;
import dev.parley.rtc.stun.StunMessageBuilder;
import dev.parley.rtc.stun.StunMethod;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

/** TCP framing of STUN messages and padded ChannelData, fed byte by byte and in one piece. */
class StunFrameDecoderTest {
  static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int i = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, i, p.length);
      i += p.length;
    }
    return out;
  }

  static final byte[] BINDING = StunMessageBuilder.of(StunMethod.BINDING, StunMethod.REQUEST, new byte[12]).build();

  /** ChannelData on 0x4001 with 3 bytes of data and 1 byte of TCP padding. */
  static final byte[] CHANNEL_DATA = {
      0x40, 0x01, // channel number
      0x00, 0x03, // length: 3 bytes of data
      'a', 'b', 'c', // data
      0x00}; // padding to 4

  /** ChannelData on reserved number 0x7FFF: still a frame, 4 bytes of data. */
  static final byte[] RESERVED_CHANNEL = {0x7F, (byte) 0xFF, 0x00, 0x04, 1, 2, 3, 4};

  @Test
  void splitsStunAndPaddedChannelDataFedByteByByte() throws Exception {
    EmbeddedChannel ch = new EmbeddedChannel(new StunFrameDecoder(1024));
    byte[] stream = concat(BINDING, CHANNEL_DATA, RESERVED_CHANNEL, BINDING);
    for (byte b : stream) {
      ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
    }
    ByteBuf first = ch.readInbound();
    assertThat(StunDecoder.decode(ByteBufUtil.getBytes(first)).method()).isEqualTo(StunMethod.BINDING);
    ByteBuf cd = ch.readInbound();
    assertThat(ByteBufUtil.getBytes(cd)).containsExactly(0x40, 0x01, 0x00, 0x03, 'a', 'b', 'c');
    ByteBuf reserved = ch.readInbound();
    assertThat(reserved.readableBytes()).isEqualTo(8);
    ByteBuf last = ch.readInbound();
    assertThat(last.readableBytes()).isEqualTo(BINDING.length);
    first.release();
    cd.release();
    reserved.release();
    last.release();
    assertThat(ch.<Object>readInbound()).isNull();
    assertThat(ch.finishAndReleaseAll()).isFalse();
  }

  @Test
  void garbageGivesOneMalformedAndDiscardsTheRest() {
    EmbeddedChannel ch = new EmbeddedChannel(new StunFrameDecoder(1024));
    ch.writeInbound(Unpooled.wrappedBuffer(concat(new byte[] {(byte) 0x80, 0, 0, 0}, BINDING)));
    Object m = ch.readInbound();
    assertThat(m).isInstanceOf(StunFrameDecoder.Malformed.class);
    assertThat(((StunFrameDecoder.Malformed) m).reason()).contains("neither STUN nor ChannelData");
    ch.writeInbound(Unpooled.wrappedBuffer(BINDING));
    assertThat(ch.<Object>readInbound()).isNull();
    ch.finishAndReleaseAll();
  }

  @Test
  void oversizedAndMisalignedFramesAreMalformed() {
    EmbeddedChannel big = new EmbeddedChannel(new StunFrameDecoder(64));
    big.writeInbound(Unpooled.wrappedBuffer(new byte[] {0x40, 0x00, 0x01, 0x00}));
    assertThat(((StunFrameDecoder.Malformed) big.readInbound()).reason()).contains("exceeds the limit of 64");
    big.finishAndReleaseAll();
    EmbeddedChannel odd = new EmbeddedChannel(new StunFrameDecoder(1024));
    odd.writeInbound(Unpooled.wrappedBuffer(new byte[] {0x00, 0x01, 0x00, 0x05}));
    assertThat(((StunFrameDecoder.Malformed) odd.readInbound()).reason()).contains("not a multiple of 4");
    odd.finishAndReleaseAll();
  }
}
