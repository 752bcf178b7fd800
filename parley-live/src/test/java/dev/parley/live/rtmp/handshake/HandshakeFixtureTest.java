package dev.parley.live.rtmp.handshake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.core.testing.ManualTime;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The handshake against bytes other implementations made: C0, C1 and C2 captured from ffmpeg 5.1
 * publishing to Parley and from ffprobe 5.1 playing from it, and the S0, S1 and S2 Parley
 * answered. libavformat as a player validates the S1 digest and the S2 signature and gives up on
 * a mismatch, then signs its C2 with a key made from our S1 digest; as a publisher it echoes S1.
 * Digests found at the offsets libavformat computed, and signatures it accepted or made, catch an
 * error that our own client and server would share.
 */
class HandshakeFixtureTest {
  private static final byte[] PLAYER_KEY_30 = Arrays.copyOf(HandshakeCrypto.PLAYER_KEY, 30);
  private static final byte[] SERVER_KEY_36 = Arrays.copyOf(HandshakeCrypto.SERVER_KEY, 36);

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = HandshakeFixtureTest.class.getResourceAsStream("captured/" + name)) {
      return in.readAllBytes();
    }
  }

  private static byte[] part(byte[] b, int index) {
    return Arrays.copyOfRange(b, 1 + index * HandshakeCrypto.SIZE, 1 + (index + 1) * HandshakeCrypto.SIZE);
  }

  /** The scheme 0 digest offset, written out from the specification of the digest handshake. */
  private static int offsetScheme0(byte[] p) {
    return 12 + ((p[8] & 0xFF) + (p[9] & 0xFF) + (p[10] & 0xFF) + (p[11] & 0xFF)) % 728;
  }

  private static int offsetScheme1(byte[] p) {
    return 776 + ((p[772] & 0xFF) + (p[773] & 0xFF) + (p[774] & 0xFF) + (p[775] & 0xFF)) % 728;
  }

  @Test
  void ffmpegsC1CarriesItsDigestWhereTheSchemeSays() throws IOException {
    byte[] c1 = part(resource("ffmpeg-5.1-publish-c0-c1-c2"), 0);
    assertThat(Arrays.copyOfRange(c1, 4, 8)).containsExactly(9, 0, 0x7C, 2); // ffmpeg's version 9.0.124.2
    assertThat(HandshakeCrypto.digestOffset(c1, 0)).isEqualTo(offsetScheme0(c1)).isEqualTo(494);
    assertThat(HandshakeCrypto.digestOffset(c1, 1)).isEqualTo(offsetScheme1(c1));
    assertThat(HandshakeCrypto.findScheme(c1, PLAYER_KEY_30)).isZero();
    int off = offsetScheme0(c1);
    assertThat(HandshakeCrypto.digestAt(c1, off, PLAYER_KEY_30)).isEqualTo(Arrays.copyOfRange(c1, off, off + 32));
    byte[] broken = c1.clone();
    broken[5] ^= 1; // a byte outside the digest
    assertThat(HandshakeCrypto.findScheme(broken, PLAYER_KEY_30)).isEqualTo(-1);
    broken = c1.clone();
    broken[HandshakeCrypto.SIZE - 1] ^= 1; // the last byte, after the digest
    assertThat(HandshakeCrypto.findScheme(broken, PLAYER_KEY_30)).isEqualTo(-1);
  }

  @Test
  void aPublishingFfmpegEchoesOurS1AsItsC2() throws IOException {
    byte[] c2 = part(resource("ffmpeg-5.1-publish-c0-c1-c2"), 1);
    byte[] s1 = part(resource("parley-to-ffmpeg-5.1-s0-s1-s2"), 0);
    assertThat(c2).isEqualTo(s1);
    assertThat(HandshakeCrypto.findScheme(s1, SERVER_KEY_36)).isZero();
    assertThat(HandshakeCrypto.digestOffset(s1, 0)).isEqualTo(647);
  }

  @Test
  void theS1AndS2FfprobeAcceptedVerifyAndItsC2AnswersOurS1() throws IOException {
    byte[] c = resource("ffprobe-5.1-play-c0-c1-c2");
    byte[] s = resource("parley-to-ffprobe-5.1-s0-s1-s2");
    byte[] c1 = part(c, 0);
    byte[] c2 = part(c, 1);
    byte[] s1 = part(s, 0);
    byte[] s2 = part(s, 1);
    assertThat(s[0]).isEqualTo((byte) 3);
    assertThat(Arrays.copyOfRange(s1, 4, 8)).containsExactly(4, 5, 0, 1); // our version: the complex form
    assertThat(HandshakeCrypto.findScheme(s1, SERVER_KEY_36)).isZero(); // the client's scheme
    assertThat(HandshakeCrypto.digestOffset(s1, 0)).isEqualTo(offsetScheme0(s1)).isEqualTo(491);
    int c1Off = offsetScheme0(c1);
    assertThat(ClientHandshake.checkResponse(s2, Arrays.copyOfRange(c1, c1Off, c1Off + 32), HandshakeCrypto.SERVER_KEY))
        .isTrue();
    int s1Off = offsetScheme0(s1);
    assertThat(ClientHandshake.checkResponse(c2, Arrays.copyOfRange(s1, s1Off, s1Off + 32), HandshakeCrypto.PLAYER_KEY))
        .isTrue(); // ffmpeg's answer, signed with a key derived from our S1 digest
    assertThat(ClientHandshake.clientVerifies(c1, s1, s2)).isTrue();
    s2[HandshakeCrypto.SIZE - 1] ^= 1;
    assertThat(ClientHandshake.clientVerifies(c1, s1, s2)).isFalse();
  }

  @Test
  void ourAnswerToFfmpegsC1IsComplexTimedAndRandom() throws IOException {
    byte[] c1 = part(resource("ffmpeg-5.1-publish-c0-c1-c2"), 0);
    byte[] a = HandshakeCrypto.serverResponse(c1, 0x6A1D7440);
    byte[] s1 = Arrays.copyOf(a, HandshakeCrypto.SIZE);
    byte[] s2 = Arrays.copyOfRange(a, HandshakeCrypto.SIZE, 2 * HandshakeCrypto.SIZE);
    assertThat(Arrays.copyOfRange(s1, 0, 8)).containsExactly(0x6A, 0x1D, 0x74, 0x40, 4, 5, 0, 1); // time, version
    assertThat(Arrays.copyOfRange(s2, 0, 4)).containsExactly(0x6A, 0x1D, 0x74, 0x40);
    assertThat(ClientHandshake.clientVerifies(c1, s1, s2)).isTrue();
    byte[] b = HandshakeCrypto.serverResponse(c1, 0x6A1D7440);
    assertThat(Arrays.copyOfRange(b, 8, 8 + 400)).isNotEqualTo(Arrays.copyOfRange(a, 8, 8 + 400)); // random
    assertThat(Arrays.copyOfRange(a, 12, 412)).isNotEqualTo(new byte[400]);
  }

  @Test
  void aNonZeroVersionInAnyByteAsksForTheComplexForm() {
    for (int version : new int[] {0x01000000, 0x00010000, 0x00000100, 0x00000001}) {
      byte[] c1 = ClientHandshake.clientC1(false, 1);
      HandshakeCrypto.putInt(c1, 4, version);
      int off = HandshakeCrypto.digestOffset(c1, 0);
      System.arraycopy(HandshakeCrypto.digestAt(c1, off, PLAYER_KEY_30), 0, c1, off, 32);
      byte[] a = HandshakeCrypto.serverResponse(c1, 1);
      assertThat(Arrays.copyOfRange(a, 4, 8)).as("version %08x", version).containsExactly(4, 5, 0, 1);
      // and a strict client sees a server version in any byte as the complex form too
      byte[] s1 = Arrays.copyOf(a, HandshakeCrypto.SIZE);
      HandshakeCrypto.putInt(s1, 4, version);
      int sOff = HandshakeCrypto.digestOffset(s1, 0);
      System.arraycopy(HandshakeCrypto.digestAt(s1, sOff, SERVER_KEY_36), 0, s1, sOff, 32);
      byte[] s2 = Arrays.copyOfRange(a, HandshakeCrypto.SIZE, 2 * HandshakeCrypto.SIZE);
      assertThat(ClientHandshake.clientVerifies(c1, s1, s2)).as("server version %08x", version).isTrue();
    }
  }

  @Test
  void aVersionWithoutAValidDigestGetsTheSimpleEcho() {
    byte[] c1 = ClientHandshake.clientC1(false, 7);
    HandshakeCrypto.putInt(c1, 4, 0x09007C02); // claims a version, carries no digest
    assertThat(HandshakeCrypto.findScheme(c1, PLAYER_KEY_30)).isEqualTo(-1);
    byte[] a = HandshakeCrypto.serverResponse(c1, 0x01020304);
    assertThat(Arrays.copyOfRange(a, 4, 8)).containsExactly(0, 0, 0, 0); // simple S1: zero version
    byte[] s2 = Arrays.copyOfRange(a, HandshakeCrypto.SIZE, 2 * HandshakeCrypto.SIZE);
    assertThat(Arrays.copyOfRange(s2, 0, 4)).isEqualTo(Arrays.copyOfRange(c1, 0, 4)); // C1's time
    assertThat(Arrays.copyOfRange(s2, 4, 8)).containsExactly(1, 2, 3, 4); // then ours
    assertThat(Arrays.copyOfRange(s2, 8, HandshakeCrypto.SIZE)).isEqualTo(Arrays.copyOfRange(c1, 8, HandshakeCrypto.SIZE));
  }

  @Test
  void aStrictClientRefusesABadS1AndASimpleS2ThatDoesNotEcho() {
    byte[] c1 = ClientHandshake.clientC1(true, 1);
    byte[] a = HandshakeCrypto.serverResponse(c1, 2);
    byte[] s1 = Arrays.copyOf(a, HandshakeCrypto.SIZE);
    byte[] s2 = Arrays.copyOfRange(a, HandshakeCrypto.SIZE, 2 * HandshakeCrypto.SIZE);
    s1[HandshakeCrypto.digestOffset(s1, 0)] ^= 1; // S1's digest no longer checks out
    assertThat(ClientHandshake.clientVerifies(c1, s1, s2)).isFalse();
    byte[] simpleC1 = ClientHandshake.clientC1(false, 1);
    byte[] zeroS1 = new byte[HandshakeCrypto.SIZE];
    byte[] noEcho = new byte[HandshakeCrypto.SIZE];
    assertThat(ClientHandshake.clientVerifies(simpleC1, zeroS1, noEcho)).isFalse();
  }

  @Test
  void putIntIsBigEndian() {
    byte[] b = new byte[6];
    HandshakeCrypto.putInt(b, 1, 0x01020304);
    assertThat(b).containsExactly(0, 1, 2, 3, 4, 0);
  }

  @Test
  void decoderPutsTheServersClockInS1AndRefusesAWrongVersionArrivingWithC1() {
    ManualTime time = new ManualTime(); // 2026-06-01T12:00:00Z: 0x6a1d7440 seconds
    EmbeddedChannel ch = new EmbeddedChannel(new ServerHandshakeDecoder(time, ctx -> { }));
    ByteBuf c0c1 = Unpooled.buffer();
    c0c1.writeByte(3).writeBytes(ClientHandshake.clientC1(false, 1));
    ch.writeInbound(c0c1);
    ByteBuf answer = ch.readOutbound();
    assertThat(new byte[] {answer.getByte(1), answer.getByte(2), answer.getByte(3), answer.getByte(4)})
        .containsExactly(0x6A, 0x1D, 0x74, 0x40);
    answer.release();
    ch.finishAndReleaseAll();
    EmbeddedChannel ch2 = new EmbeddedChannel(new ServerHandshakeDecoder(time, ctx -> { }));
    ByteBuf wrong = Unpooled.buffer();
    wrong.writeByte(6).writeBytes(new byte[HandshakeCrypto.SIZE]); // C0 and C1 in one read
    assertThatThrownBy(() -> ch2.writeInbound(wrong)).hasCauseInstanceOf(HandshakeException.class)
        .hasMessageContaining("RTMPE");
    assertThat((Object) ch2.readOutbound()).isNull();
    ch2.finishAndReleaseAll();
  }

  @Test
  void decoderFinishesOnExactlyC2() {
    AtomicBoolean done = new AtomicBoolean();
    EmbeddedChannel ch = new EmbeddedChannel(new ServerHandshakeDecoder(new ManualTime(), ctx -> done.set(true)));
    ByteBuf c0c1 = Unpooled.buffer();
    c0c1.writeByte(3).writeBytes(ClientHandshake.clientC1(true, 1));
    ch.writeInbound(c0c1);
    ((ByteBuf) ch.readOutbound()).release();
    ch.writeInbound(Unpooled.wrappedBuffer(new byte[HandshakeCrypto.SIZE - 1]));
    assertThat(done).isFalse();
    ch.writeInbound(Unpooled.wrappedBuffer(new byte[1])); // the last byte of C2, nothing after it
    assertThat(done).isTrue();
    assertThat((Object) ch.readInbound()).isNull();
    assertThat(ch.pipeline().get(ServerHandshakeDecoder.class)).isNull(); // removed itself
    ch.finishAndReleaseAll();
  }
}
