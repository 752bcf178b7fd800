package dev.parley.im.net;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.protocol.FrameCodec;
import dev.parley.protocol.im.ErrorCode;
import dev.parley.protocol.im.Frame;
import dev.parley.protocol.im.Login;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ImFrameDecoderTest {
  private final EmbeddedChannel ch = new EmbeddedChannel(new ImFrameDecoder(1024));

  @AfterEach
  void close() {
    ch.finishAndReleaseAll();
  }

  static Frame login() {
    return Frame.newBuilder().setReq(1).setLogin(Login.newBuilder().setProtocolVersion(1).setToken("t")
        .setDeviceId("d")).build();
  }

  @Test
  void framesAndHeartbeatsSplitAnywhereAreReassembled() {
    byte[] a = FrameCodec.encode(login());
    byte[] all = new byte[a.length * 2 + 1];
    System.arraycopy(a, 0, all, 0, a.length);
    all[a.length] = 0;
    System.arraycopy(a, 0, all, a.length + 1, a.length);
    for (byte b : all) {
      ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
    }
    assertThat((Object) ch.readInbound()).isEqualTo(login());
    assertThat((Object) ch.readInbound()).isSameAs(Inbound.HEARTBEAT);
    assertThat((Object) ch.readInbound()).isEqualTo(login());
    assertThat((Object) ch.readInbound()).isNull();
  }

  @Test
  void lengthOverTheLimitIsRefusedBeforeBuffering() {
    // 0x80 0x10 = varint 2048, over the 1024 limit; no body follows.
    ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {(byte) 0x80, 0x10}));
    Inbound.Malformed m = ch.readInbound();
    assertThat(m.code()).isEqualTo(ErrorCode.ERROR_CODE_FRAME_TOO_LARGE);
  }

  @Test
  void overlongVarintIsMalformedAndTheRestIsDiscarded() {
    ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF,
        (byte) 0xFF, 0x01}));
    Inbound.Malformed m = ch.readInbound();
    assertThat(m.code()).isEqualTo(ErrorCode.ERROR_CODE_PROTOCOL_ERROR);
    ch.writeInbound(Unpooled.wrappedBuffer(FrameCodec.encode(login())));
    assertThat((Object) ch.readInbound()).isNull();
  }

  @Test
  void undecodableBodyIsAProtocolError() {
    // Length 3, then field 15 with wire type 7 (invalid).
    ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {0x03, 0x7F, 0x00, 0x00}));
    Inbound.Malformed m = ch.readInbound();
    assertThat(m.code()).isEqualTo(ErrorCode.ERROR_CODE_PROTOCOL_ERROR);
  }

  @Test
  void fiveByteLengthOverTheLimitIsTooLargeNotMalformed() {
    // 0x80 0x80 0x80 0x80 0x01 = varint 2^28: five bytes, the last within its 3 allowed bits.
    ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x01}));
    Inbound.Malformed m = ch.readInbound();
    assertThat(m.code()).isEqualTo(ErrorCode.ERROR_CODE_FRAME_TOO_LARGE);
  }
}
