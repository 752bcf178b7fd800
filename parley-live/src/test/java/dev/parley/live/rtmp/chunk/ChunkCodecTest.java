package dev.parley.live.rtmp.chunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ChunkCodecTest {
  private static ByteBuf bytes(int... b) {
    ByteBuf out = Unpooled.buffer(b.length);
    for (int x : b) {
      out.writeByte(x);
    }
    return out;
  }

  private static byte[] payload(int n) {
    byte[] p = new byte[n];
    for (int i = 0; i < n; i++) {
      p[i] = (byte) (i * 7);
    }
    return p;
  }

  private static EmbeddedChannel channel() {
    return new EmbeddedChannel(new ChunkDecoder(1 << 20, 1 << 20));
  }

  @Test
  void typeZeroHeaderFixtureDecodes() {
    EmbeddedChannel ch = channel();
    ch.writeInbound(bytes(
        0x03, // fmt 0, csid 3
        0x00, 0x00, 0x64, // timestamp 100
        0x00, 0x00, 0x03, // length 3
        0x14, // type 20 (AMF0 command)
        0x01, 0x00, 0x00, 0x00, // message stream id 1, little endian
        0xAA, 0xBB, 0xCC)); // payload
    RtmpMessage m = ch.readInbound();
    assertThat(m.chunkStreamId()).isEqualTo(3);
    assertThat(m.timestamp()).isEqualTo(100);
    assertThat(m.type()).isEqualTo(20);
    assertThat(m.streamId()).isEqualTo(1);
    assertThat(m.payload()).containsExactly(0xAA, 0xBB, 0xCC);
    assertThat(ch.finishAndReleaseAll()).isFalse();
  }

  @Test
  void headerTypesOneTwoThreeReuseAndAddDeltas() {
    EmbeddedChannel ch = channel();
    ch.writeInbound(bytes(
        0x04, 0x00, 0x03, 0xE8, 0x00, 0x00, 0x01, 0x08, 0x01, 0x00, 0x00, 0x00, 0x11, // fmt 0: ts 1000, len 1, audio
        0x44, 0x00, 0x00, 0x14, 0x00, 0x00, 0x02, 0x08, 0x22, 0x23, // fmt 1: delta 20, len 2, audio
        0x84, 0x00, 0x00, 0x1E, 0x33, 0x34, // fmt 2: delta 30, same length and type
        0xC4, 0x44, 0x45)); // fmt 3: a new message, same delta (30)
    long[] ts = new long[4];
    for (int i = 0; i < 4; i++) {
      RtmpMessage m = ch.readInbound();
      ts[i] = m.timestamp();
      assertThat(m.streamId()).isEqualTo(1);
      assertThat(m.type()).isEqualTo(8);
    }
    assertThat(ts).containsExactly(1000, 1020, 1050, 1080);
    assertThat(ch.finishAndReleaseAll()).isFalse();
  }

  @Test
  void twoAndThreeByteBasicHeadersCarryLargeChunkStreamIds() {
    for (int csid : new int[] {64, 319, 320, 65599}) {
      EmbeddedChannel ch = channel();
      ch.writeInbound(ChunkEncoder.encode(Unpooled.buffer().alloc(), csid, 9, 1, 5, new byte[] {1}, 128));
      RtmpMessage m = ch.readInbound();
      assertThat(m.chunkStreamId()).isEqualTo(csid);
      ch.finishAndReleaseAll();
    }
  }

  @Test
  void messagesSplitIntoChunksRoundTrip() {
    byte[] p = payload(1000);
    ByteBuf enc = ChunkEncoder.encode(Unpooled.buffer().alloc(), 6, 9, 1, 40, p, 128);
    // 1 + 11 header bytes, 1000 payload bytes, 7 continuation headers of one byte each
    assertThat(enc.readableBytes()).isEqualTo(12 + 1000 + 7);
    EmbeddedChannel ch = channel();
    // Fed one byte at a time: the decoder must wait for whole chunks.
    while (enc.isReadable()) {
      ch.writeInbound(enc.readRetainedSlice(1));
    }
    enc.release();
    RtmpMessage m = ch.readInbound();
    assertThat(m.payload()).isEqualTo(p);
    assertThat(m.timestamp()).isEqualTo(40);
    assertThat(ch.finishAndReleaseAll()).isFalse();
  }

  @Test
  void extendedTimestampIsRepeatedOnTypeThreeChunks() {
    long ts = 0x01000000L + 5; // past 4 h 39 min: needs the extended field
    ByteBuf enc = ChunkEncoder.encode(Unpooled.buffer().alloc(), 6, 9, 1, ts, payload(200), 128);
    // fmt 0 header with 0xFFFFFF, then the 4-byte extended timestamp
    assertThat(ByteBufUtil.hexDump(enc, 0, 16)).isEqualTo("06" + "ffffff" + "0000c8" + "09" + "01000000" + "01000005");
    // the continuation chunk: basic header 0xC6, then the extended timestamp again
    assertThat(ByteBufUtil.hexDump(enc, 16 + 128, 5)).isEqualTo("c6" + "01000005");
    EmbeddedChannel ch = channel();
    ch.writeInbound(enc);
    RtmpMessage m = ch.readInbound();
    assertThat(m.timestamp()).isEqualTo(ts);
    assertThat(m.payload()).isEqualTo(payload(200));
    ch.finishAndReleaseAll();
  }

  @Test
  void extendedTimestampMissingOnTypeThreeChunksIsAlsoAccepted() {
    // Some encoders do not repeat the extended timestamp on continuation chunks.
    ByteBuf b = Unpooled.buffer();
    b.writeBytes(bytes(0x06, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x82, 0x09, 0x01, 0, 0, 0, 0x01, 0x00, 0x00, 0x05));
    b.writeBytes(payload(130), 0, 128);
    b.writeBytes(bytes(0xC6)); // fmt 3, no extended timestamp follows
    b.writeBytes(payload(130), 128, 2);
    EmbeddedChannel ch = channel();
    ch.writeInbound(b);
    RtmpMessage m = ch.readInbound();
    assertThat(m.timestamp()).isEqualTo(0x01000005L);
    assertThat(m.payload()).isEqualTo(payload(130));
    ch.finishAndReleaseAll();
  }

  @Test
  void typeThreeNewMessageAfterExtendedDeltaAddsItAgain() {
    ByteBuf b = Unpooled.buffer();
    b.writeBytes(ChunkEncoder.encodeToArray(6, 9, 1, 0xFFFFFFF0L, new byte[] {1}, 128));
    b.writeBytes(bytes(0x86, 0x00, 0x00, 0x20, 0x02)); // fmt 2: delta 32 (wraps past 2^32), payload
    EmbeddedChannel ch = channel();
    ch.writeInbound(b);
    assertThat(((RtmpMessage) ch.readInbound()).timestamp()).isEqualTo(0xFFFFFFF0L);
    assertThat(((RtmpMessage) ch.readInbound()).timestamp()).isEqualTo(0x10L); // 32-bit rollover
    ch.finishAndReleaseAll();
  }

  @Test
  void setChunkSizeChangesHowTheNextChunksAreRead() {
    byte[] p = payload(5000);
    ByteBuf b = Unpooled.buffer();
    b.writeBytes(bytes(0x02, 0, 0, 0, 0, 0, 4, 0x01, 0, 0, 0, 0, 0x00, 0x00, 0x10, 0x00)); // set chunk size 4096
    b.writeBytes(ChunkEncoder.encodeToArray(6, 9, 1, 0, p, 4096));
    EmbeddedChannel ch = channel();
    ch.writeInbound(b);
    RtmpMessage m = ch.readInbound();
    assertThat(m.payload()).isEqualTo(p);
    assertThat(((ChunkDecoder) ch.pipeline().first()).chunkSize()).isEqualTo(4096);
    ch.finishAndReleaseAll();
  }

  @Test
  void abortDiscardsThePartialMessage() {
    ByteBuf full = ChunkEncoder.encode(Unpooled.buffer().alloc(), 6, 9, 1, 0, payload(300), 128);
    ByteBuf b = Unpooled.buffer();
    b.writeBytes(full, 0, 12 + 128); // first chunk only
    full.release();
    b.writeBytes(bytes(0x02, 0, 0, 0, 0, 0, 4, 0x02, 0, 0, 0, 0, 0, 0, 0, 6)); // abort chunk stream 6
    b.writeBytes(ChunkEncoder.encodeToArray(6, 9, 1, 7, new byte[] {9}, 128));
    EmbeddedChannel ch = channel();
    ch.writeInbound(b);
    RtmpMessage m = ch.readInbound();
    assertThat(m.payload()).containsExactly(9);
    assertThat(m.timestamp()).isEqualTo(7);
    assertThat((Object) ch.readInbound()).isNull();
    ch.finishAndReleaseAll();
  }

  @Test
  void encodingIsTheSameForEveryCallSoViewersCanShareIt() {
    byte[] a = ChunkEncoder.encodeToArray(6, 9, 1, 123, payload(70_000), 60_000);
    byte[] b = ChunkEncoder.encodeToArray(6, 9, 1, 123, payload(70_000), 60_000);
    assertThat(Arrays.equals(a, b)).isTrue();
    assertThat(a.length).isEqualTo(ChunkEncoder.encodedSize(6, 123, 70_000, 60_000));
  }

  @Test
  void firstChunkOfAStreamMustBeTypeZero() {
    EmbeddedChannel ch = channel();
    assertThatThrownBy(() -> ch.writeInbound(bytes(0x45, 0, 0, 0, 0, 0, 1, 8, 0)))
        .isInstanceOf(DecoderException.class).hasCauseInstanceOf(RtmpProtocolException.class)
        .hasMessageContaining("starts with a type 1 header");
    ch.finishAndReleaseAll();
  }

  @Test
  void oversizedMessagesAndChunkSizesAreRefused() {
    EmbeddedChannel ch = new EmbeddedChannel(new ChunkDecoder(1000, 1000));
    assertThatThrownBy(() -> ch.writeInbound(bytes(0x06, 0, 0, 0, 0x00, 0x10, 0x00, 9, 1, 0, 0, 0)))
        .hasMessageContaining("exceeds the limit of 1000");
    ch.finishAndReleaseAll();
    EmbeddedChannel ch2 = new EmbeddedChannel(new ChunkDecoder(1000, 1000));
    assertThatThrownBy(() -> ch2.writeInbound(bytes(0x02, 0, 0, 0, 0, 0, 4, 1, 0, 0, 0, 0, 0, 0, 0, 0)))
        .hasMessageContaining("chunk size 0 outside");
    ch2.finishAndReleaseAll();
  }
}
