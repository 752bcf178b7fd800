package dev.parley.live.rtmp.handshake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import dev.parley.core.testing.ManualTime;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class HandshakeTest {
  @Test
  void complexHandshakeAnswerVerifiesForAStrictClient() {
    byte[] c1 = ClientHandshake.clientC1(true, 1);
    assertThat(HandshakeCrypto.findScheme(c1, Arrays.copyOf(HandshakeCrypto.PLAYER_KEY, 30))).isZero();
    byte[] s1s2 = HandshakeCrypto.serverResponse(c1, 2);
    byte[] s1 = Arrays.copyOfRange(s1s2, 0, 1536);
    byte[] s2 = Arrays.copyOfRange(s1s2, 1536, 3072);
    assertThat(s1[4] | s1[5] | s1[6] | s1[7]).isNotZero(); // a version: the complex form
    assertThat(ClientHandshake.clientVerifies(c1, s1, s2)).isTrue();
    s2[100] ^= 1;
    assertThat(ClientHandshake.clientVerifies(c1, s1, s2)).isFalse();
  }

  @Test
  void schemeOneDigestIsFoundToo() {
    byte[] c1 = ClientHandshake.clientC1(false, 1);
    HandshakeCrypto.putInt(c1, 4, ClientHandshake.CLIENT_VERSION);
    byte[] key = Arrays.copyOf(HandshakeCrypto.PLAYER_KEY, 30);
    int off = HandshakeCrypto.digestOffset(c1, 1);
    System.arraycopy(HandshakeCrypto.digestAt(c1, off, key), 0, c1, off, 32);
    assertThat(HandshakeCrypto.findScheme(c1, key)).isEqualTo(1);
  }

  @Test
  void simpleHandshakeEchoesC1() {
    byte[] c1 = ClientHandshake.clientC1(false, 7);
    byte[] s1s2 = HandshakeCrypto.serverResponse(c1, 9);
    assertThat(s1s2[4] | s1s2[5] | s1s2[6] | s1s2[7]).isZero(); // S1 version zero
    assertThat(Arrays.copyOfRange(s1s2, 1536 + 8, 3072)).isEqualTo(Arrays.copyOfRange(c1, 8, 1536));
    assertThat(ClientHandshake.clientVerifies(c1, Arrays.copyOf(s1s2, 1536), Arrays.copyOfRange(s1s2, 1536, 3072)))
        .isTrue();
  }

  @Test
  void serverDecoderAnswersThenHandsOverTheBytesAfterC2() {
    AtomicBoolean done = new AtomicBoolean();
    EmbeddedChannel ch = new EmbeddedChannel(new ServerHandshakeDecoder(new ManualTime(), ctx -> done.set(true)));
    ByteBuf c0c1 = Unpooled.buffer();
    c0c1.writeByte(3).writeBytes(ClientHandshake.clientC1(true, 1));
    ch.writeInbound(c0c1);
    ByteBuf answer = ch.readOutbound();
    assertThat(answer.readableBytes()).isEqualTo(1 + 3072);
    assertThat(answer.getByte(0)).isEqualTo((byte) 3); // S0
    answer.release();
    assertThat(done).isFalse();
    ByteBuf c2 = Unpooled.buffer();
    c2.writeBytes(new byte[1536]).writeBytes(new byte[] {1, 2, 3}); // C2 and the first chunk bytes
    ch.writeInbound(c2);
    assertThat(done).isTrue();
    ByteBuf rest = ch.readInbound();
    assertThat(rest.readableBytes()).isEqualTo(3);
    rest.release();
    ch.finishAndReleaseAll();
  }

  @Test
  void wrongVersionIsRefusedAtOnce() {
    EmbeddedChannel ch = new EmbeddedChannel(new ServerHandshakeDecoder(new ManualTime(), ctx -> { }));
    assertThatThrownBy(() -> ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {6})))
        .hasCauseInstanceOf(HandshakeException.class).hasMessageContaining("RTMPE");
    ch.finishAndReleaseAll();
    EmbeddedChannel ch2 = new EmbeddedChannel(new ServerHandshakeDecoder(new ManualTime(), ctx -> { }));
    assertThatThrownBy(() -> ch2.writeInbound(Unpooled.wrappedBuffer("GET / HTTP/1.1".getBytes())))
        .hasMessageContaining("handshake version 71 is not RTMP");
    ch2.finishAndReleaseAll();
  }
}
