package dev.parley.live.rtmp.chunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * The chunk codec against fixed bytes: hand-written fixtures commented field by field after the
 * RTMP specification (section 5.3, "Chunking"), and bytes captured from ffmpeg publishing to
 * Parley. Encoder and decoder are each checked against the bytes, never against each other.
 */
class ChunkCodecTest {
  private static ByteBuf bytes(int... b) {
    ByteBuf out = Unpooled.buffer(b.length);
    for (int x : b) {
      out.writeByte(x);
    }
    return out;
  }

  private static ByteBuf hex(String h) {
    return Unpooled.wrappedBuffer(HexFormat.of().parseHex(h.replace(" ", "")));
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

  private static String encodeHex(int csid, int type, int streamId, long ts, byte[] payload, int chunkSize) {
    ByteBuf b = ChunkEncoder.encode(ByteBufAllocator.DEFAULT, csid, type, streamId, ts, payload, chunkSize);
    try {
      return ByteBufUtil.hexDump(b);
    } finally {
      b.release();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Decoder

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
  void streamIdIsLittleEndianAndLengthAndTimestampBigEndian() {
    EmbeddedChannel ch = channel();
    ch.writeInbound(bytes(
        0x05, // fmt 0, csid 5
        0x01, 0x02, 0x03, // timestamp 0x010203
        0x00, 0x00, 0x02, // length 2
        0x12, // type 18 (AMF0 data)
        0x04, 0x03, 0x02, 0x01, // message stream id 0x01020304
        0x00, 0x01));
    RtmpMessage m = ch.readInbound();
    assertThat(m.timestamp()).isEqualTo(0x010203);
    assertThat(m.streamId()).isEqualTo(0x01020304);
    assertThat(m.payload()).containsExactly(0x00, 0x01);
    ch.finishAndReleaseAll();
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
    byte[][] bodies = new byte[4][];
    for (int i = 0; i < 4; i++) {
      RtmpMessage m = ch.readInbound();
      ts[i] = m.timestamp();
      bodies[i] = m.payload();
      assertThat(m.streamId()).isEqualTo(1);
      assertThat(m.type()).isEqualTo(8);
    }
    assertThat(ts).containsExactly(1000, 1020, 1050, 1080);
    assertThat(bodies[0]).containsExactly(0x11);
    assertThat(bodies[1]).containsExactly(0x22, 0x23);
    assertThat(bodies[2]).containsExactly(0x33, 0x34);
    assertThat(bodies[3]).containsExactly(0x44, 0x45);
    assertThat(ch.finishAndReleaseAll()).isFalse();
  }

  @Test
  void typeOneHeaderChangesTypeAndKeepsTheStreamId() {
    EmbeddedChannel ch = channel();
    ch.writeInbound(bytes(
        0x06, 0x00, 0x00, 0x0A, 0x00, 0x00, 0x01, 0x09, 0x07, 0x00, 0x00, 0x00, 0x01, // fmt 0: ts 10, video, msid 7
        0x46, 0x00, 0x00, 0x05, 0x00, 0x00, 0x01, 0x08, 0x02)); // fmt 1: delta 5, len 1, now audio
    ch.readInbound();
    RtmpMessage m = ch.readInbound();
    assertThat(m.type()).isEqualTo(8);
    assertThat(m.streamId()).isEqualTo(7);
    assertThat(m.timestamp()).isEqualTo(15);
    ch.finishAndReleaseAll();
  }

  @Test
  void twoAndThreeByteBasicHeadersCarryLargeChunkStreamIds() {
    // Section 5.3.1.1: csid 0 in the first byte means one more byte (csid - 64), csid 1 two more
    // bytes, little endian ((third * 256) + second + 64).
    int[][] cases = {
        {64, 0x00, 0x00}, // 2 bytes: 64 + 0
        {319, 0x00, 0xFF}, // 2 bytes: 64 + 255
        {320, 0x01, 0x00, 0x01}, // 3 bytes: 64 + 0 + 1 * 256
        {65599, 0x01, 0xFF, 0xFF}}; // 3 bytes: 64 + 255 + 255 * 256
    for (int[] c : cases) {
      EmbeddedChannel ch = channel();
      ByteBuf in = Unpooled.buffer();
      for (int i = 1; i < c.length; i++) {
        in.writeByte(c[i]);
      }
      in.writeBytes(new byte[] {0, 0, 5, 0, 0, 1, 9, 1, 0, 0, 0, 0x42}); // ts 5, len 1, video, msid 1, payload
      ch.writeInbound(in);
      RtmpMessage m = ch.readInbound();
      assertThat(m.chunkStreamId()).as("csid of %s", Arrays.toString(c)).isEqualTo(c[0]);
      assertThat(m.timestamp()).isEqualTo(5);
      assertThat(m.payload()).containsExactly(0x42);
      ch.finishAndReleaseAll();
    }
  }

  @Test
  void messageSplitAtTheDefaultChunkSizeDecodesFedByteByByte() {
    byte[] p = payload(300);
    ByteBuf b = Unpooled.buffer();
    b.writeBytes(bytes(0x06, 0, 0, 0x28, 0x00, 0x01, 0x2C, 0x09, 1, 0, 0, 0)); // ts 40, len 300, video, msid 1
    b.writeBytes(p, 0, 128); // the default chunk size is 128
    b.writeBytes(bytes(0xC6)); // fmt 3, csid 6: the message goes on
    b.writeBytes(p, 128, 128);
    b.writeBytes(bytes(0xC6));
    b.writeBytes(p, 256, 44);
    EmbeddedChannel ch = channel();
    while (b.isReadable()) {
      ch.writeInbound(b.readRetainedSlice(1)); // the decoder must wait for whole chunks
      if (b.isReadable()) {
        assertThat((Object) ch.readInbound()).isNull();
      }
    }
    b.release();
    RtmpMessage m = ch.readInbound();
    assertThat(m.payload()).isEqualTo(p);
    assertThat(m.timestamp()).isEqualTo(40);
    assertThat(((ChunkDecoder) ch.pipeline().first()).bytesReceived()).isEqualTo(12 + 300 + 2);
    assertThat(ch.finishAndReleaseAll()).isFalse();
  }

  @Test
  void interleavedChunkStreamsReassembleSeparately() {
    byte[] video = payload(200);
    ByteBuf b = Unpooled.buffer();
    b.writeBytes(bytes(0x06, 0, 0, 0, 0x00, 0x00, 0xC8, 0x09, 1, 0, 0, 0)); // video, 200 bytes
    b.writeBytes(video, 0, 128);
    b.writeBytes(bytes(0x04, 0, 0, 0, 0x00, 0x00, 0x01, 0x08, 1, 0, 0, 0, 0x55)); // a whole audio message between
    b.writeBytes(bytes(0xC6)); // video continues
    b.writeBytes(video, 128, 72);
    EmbeddedChannel ch = channel();
    ch.writeInbound(b);
    RtmpMessage audio = ch.readInbound();
    assertThat(audio.type()).isEqualTo(8);
    assertThat(audio.payload()).containsExactly(0x55);
    RtmpMessage v = ch.readInbound();
    assertThat(v.payload()).isEqualTo(video);
    ch.finishAndReleaseAll();
  }

  @Test
  void ffmpegConnectSpanningTwoChunksThenSetChunkSizeThenAFmt1Command() {
    // Captured from ffmpeg 5.1 (Lavf59.27.100) publishing to Parley, the first bytes after C2.
    ByteBuf in = hex(""
        // fmt 0, csid 3 | timestamp 0 | length 0x8c = 140 | type 0x14 (AMF0 command) | msid 0
        + "03" + "000000" + "00008c" + "14" + "00000000"
        // 128 bytes: "connect", 1.0, {app: "live", type: "nonprivate", flashVer: ..., tcUrl: "rtmp://127.0.0.1:1
        + "020007636f6e6e656374003ff00000000000000300036170700200046c69766500047479706502000a6e6f6e7072"
        + "69766174650008666c617368566572020024464d4c452f332e302028636f6d70617469626c653b204c6176663539"
        + "2e32372e313030290005746355726c02001b72746d703a2f2f3132372e302e302e313a31"
        // fmt 3, csid 3 (0xc3), then the last 12 bytes: 1935/live", end of object
        + "c3" + "313933352f6c697665000009"
        // fmt 0, csid 2 | timestamp 0 | length 4 | type 1 (set chunk size) | msid 0 | 0x0000ea60 = 60000
        + "02" + "000000" + "000004" + "01" + "00000000" + "0000ea60"
        // fmt 1, csid 3 | delta 0 | length 0x22 = 34 | type 0x14 | "releaseStream", 2.0, null, "ffpub"
        + "43" + "000000" + "000022" + "14"
        + "02000d72656c6561736553747265616d00400000000000000005020005666670756" + "2");
    EmbeddedChannel ch = channel();
    ch.writeInbound(in);
    RtmpMessage connect = ch.readInbound();
    assertThat(connect.chunkStreamId()).isEqualTo(3);
    assertThat(connect.type()).isEqualTo(MessageType.COMMAND_AMF0);
    assertThat(connect.streamId()).isZero();
    assertThat(connect.payload()).hasSize(140);
    String text = new String(connect.payload(), StandardCharsets.ISO_8859_1);
    assertThat(text).contains("rtmp://127.0.0.1:11935/live"); // the 0xc3 between the chunks is not payload
    assertThat(connect.payload()[connect.payload().length - 1]).isEqualTo((byte) 9); // object end marker
    RtmpMessage release = ch.readInbound(); // set chunk size was consumed by the decoder
    assertThat(((ChunkDecoder) ch.pipeline().first()).chunkSize()).isEqualTo(60_000);
    assertThat(release.type()).isEqualTo(MessageType.COMMAND_AMF0);
    assertThat(release.payload()).hasSize(34);
    assertThat(new String(release.payload(), 3, 13, StandardCharsets.US_ASCII)).isEqualTo("releaseStream");
    assertThat((Object) ch.readInbound()).isNull();
    ch.finishAndReleaseAll();
  }

  @Test
  void extendedTimestampOnTypeZeroAndRepeatedOnTypeThree() {
    ByteBuf b = Unpooled.buffer();
    b.writeBytes(bytes(0x06, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x82, 0x09, 0x01, 0, 0, 0)); // ts 0xffffff: extended
    b.writeBytes(bytes(0x01, 0x00, 0x00, 0x05)); // the extended timestamp 0x01000005
    b.writeBytes(payload(130), 0, 128);
    b.writeBytes(bytes(0xC6, 0x01, 0x00, 0x00, 0x05)); // fmt 3 repeating the extended timestamp
    b.writeBytes(payload(130), 128, 2);
    EmbeddedChannel ch = channel();
    ch.writeInbound(b);
    RtmpMessage m = ch.readInbound();
    assertThat(m.timestamp()).isEqualTo(0x01000005L);
    assertThat(m.payload()).isEqualTo(payload(130));
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
  void typeThreeStartingANewMessageAfterAnExtendedTimestampReadsItAgain() {
    ByteBuf b = Unpooled.buffer();
    b.writeBytes(bytes(0x06, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x01, 0x09, 0x01, 0, 0, 0, 0x01, 0x00, 0x00, 0x00, 0x11));
    b.writeBytes(bytes(0xC6, 0x01, 0x00, 0x00, 0x00, 0x22)); // a new message: fmt 3 repeats the delta field
    EmbeddedChannel ch = channel();
    ch.writeInbound(b);
    assertThat(((RtmpMessage) ch.readInbound()).timestamp()).isEqualTo(0x01000000L);
    RtmpMessage second = ch.readInbound();
    // Section 5.3.1.2.4: after a type 0 chunk, a type 3 chunk's delta is the type 0 timestamp itself.
    assertThat(second.timestamp()).isEqualTo(0x02000000L);
    assertThat(second.payload()).containsExactly(0x22);
    ch.finishAndReleaseAll();
  }

  @Test
  void deltasWrapAt32Bits() {
    ByteBuf b = Unpooled.buffer();
    b.writeBytes(bytes(0x06, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x01, 0x09, 0x01, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xF0, 0x01));
    b.writeBytes(bytes(0x86, 0x00, 0x00, 0x20, 0x02)); // fmt 2: delta 32 past 0xfffffff0
    EmbeddedChannel ch = channel();
    ch.writeInbound(b);
    assertThat(((RtmpMessage) ch.readInbound()).timestamp()).isEqualTo(0xFFFFFFF0L);
    assertThat(((RtmpMessage) ch.readInbound()).timestamp()).isEqualTo(0x10L);
    ch.finishAndReleaseAll();
  }

  @Test
  void setChunkSizeChangesHowTheNextChunksAreRead() {
    byte[] p = payload(5000);
    ByteBuf b = Unpooled.buffer();
    b.writeBytes(bytes(0x02, 0, 0, 0, 0, 0, 4, 0x01, 0, 0, 0, 0, 0x00, 0x00, 0x10, 0x00)); // set chunk size 4096
    b.writeBytes(bytes(0x06, 0, 0, 0, 0x00, 0x13, 0x88, 0x09, 1, 0, 0, 0)); // video, 5000 bytes
    b.writeBytes(p, 0, 4096);
    b.writeBytes(bytes(0xC6));
    b.writeBytes(p, 4096, 904);
    EmbeddedChannel ch = channel();
    ch.writeInbound(b);
    RtmpMessage m = ch.readInbound();
    assertThat(m.payload()).isEqualTo(p);
    assertThat(((ChunkDecoder) ch.pipeline().first()).chunkSize()).isEqualTo(4096);
    ch.finishAndReleaseAll();
  }

  @Test
  void setChunkSizeIgnoresTheReservedTopBit() {
    EmbeddedChannel ch = channel();
    ch.writeInbound(bytes(0x02, 0, 0, 0, 0, 0, 4, 0x01, 0, 0, 0, 0, 0x80, 0x00, 0x10, 0x00)); // bit 31 set, 4096
    assertThat(((ChunkDecoder) ch.pipeline().first()).chunkSize()).isEqualTo(4096);
    ch.finishAndReleaseAll();
  }

  @Test
  void abortDiscardsThePartialMessage() {
    ByteBuf b = Unpooled.buffer();
    b.writeBytes(bytes(0x06, 0, 0, 0, 0x00, 0x01, 0x2C, 0x09, 1, 0, 0, 0)); // video of 300 bytes ...
    b.writeBytes(payload(128)); // ... of which only the first chunk comes
    b.writeBytes(bytes(0x02, 0, 0, 0, 0, 0, 4, 0x02, 0, 0, 0, 0, 0, 0, 0, 6)); // abort (type 2) chunk stream 6
    b.writeBytes(bytes(0x06, 0, 0, 7, 0, 0, 1, 0x09, 1, 0, 0, 0, 9)); // a new one-byte message, ts 7
    EmbeddedChannel ch = channel();
    ch.writeInbound(b);
    RtmpMessage m = ch.readInbound();
    assertThat(m.payload()).containsExactly(9);
    assertThat(m.timestamp()).isEqualTo(7);
    assertThat((Object) ch.readInbound()).isNull();
    ch.finishAndReleaseAll();
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
    assertThatThrownBy(() -> ch.writeInbound(bytes(0x06, 0, 0, 0, 0x00, 0x03, 0xE9, 9, 1, 0, 0, 0)))
        .hasMessageContaining("message of 1001 bytes on chunk stream 6 exceeds the limit of 1000");
    ch.finishAndReleaseAll();
    EmbeddedChannel ok = new EmbeddedChannel(new ChunkDecoder(1000, 1000));
    ok.writeInbound(bytes(0x06, 0, 0, 0, 0x00, 0x03, 0xE8, 9, 1, 0, 0, 0)); // exactly 1000 is allowed
    ok.finishAndReleaseAll();
    EmbeddedChannel ch2 = new EmbeddedChannel(new ChunkDecoder(1000, 1000));
    assertThatThrownBy(() -> ch2.writeInbound(bytes(0x02, 0, 0, 0, 0, 0, 4, 1, 0, 0, 0, 0, 0, 0, 0, 0)))
        .hasMessageContaining("chunk size 0 outside 1..1000");
    ch2.finishAndReleaseAll();
    EmbeddedChannel ch3 = new EmbeddedChannel(new ChunkDecoder(1000, 1000));
    assertThatThrownBy(() -> ch3.writeInbound(bytes(0x02, 0, 0, 0, 0, 0, 4, 1, 0, 0, 0, 0, 0, 0, 0x03, 0xE9)))
        .hasMessageContaining("chunk size 1001 outside 1..1000");
    ch3.finishAndReleaseAll();
    EmbeddedChannel ch4 = new EmbeddedChannel(new ChunkDecoder(1000, 1000));
    ch4.writeInbound(bytes(0x02, 0, 0, 0, 0, 0, 4, 1, 0, 0, 0, 0, 0, 0, 0x03, 0xE8)); // 1000 is allowed
    assertThat(((ChunkDecoder) ch4.pipeline().first()).chunkSize()).isEqualTo(1000);
    ch4.finishAndReleaseAll();
  }

  @Test
  void shortControlMessagesAreProtocolErrors() {
    EmbeddedChannel ch = channel();
    assertThatThrownBy(() -> ch.writeInbound(bytes(0x02, 0, 0, 0, 0, 0, 3, 1, 0, 0, 0, 0, 0, 0x10, 0x00)))
        .hasMessageContaining("set chunk size message shorter than 4 bytes");
    ch.finishAndReleaseAll();
    EmbeddedChannel ch2 = channel();
    assertThatThrownBy(() -> ch2.writeInbound(bytes(0x02, 0, 0, 0, 0, 0, 3, 2, 0, 0, 0, 0, 0, 0, 6)))
        .hasMessageContaining("abort message shorter than 4 bytes");
    ch2.finishAndReleaseAll();
  }

  @Test
  void afterAProtocolErrorTheRestOfTheInputIsIgnored() {
    EmbeddedChannel ch = channel();
    assertThatThrownBy(() -> ch.writeInbound(bytes(0x45, 0, 0, 0, 0, 0, 1, 8, 0)));
    ch.writeInbound(bytes(0x03, 0, 0, 0, 0, 0, 1, 0x14, 0, 0, 0, 0, 0x05)); // a valid message: not decoded
    assertThat((Object) ch.readInbound()).isNull();
    ch.finishAndReleaseAll();
  }

  @Test
  void zeroLengthMessagesCompleteOnTheirBasicHeaderAlone() {
    // A type 3 chunk that starts a new message of the previous length 0 is nothing but its basic
    // header: 1, 2 or 3 bytes. Each arrives on its own.
    String[][] cases = {
        {"04", "c4"}, // csid 4
        {"0000", "c000"}, // csid 64, two-byte form
        {"010001", "c10001"}}; // csid 320, three-byte form
    for (String[] c : cases) {
      EmbeddedChannel ch = channel();
      ch.writeInbound(hex(c[0] + "000007" + "000000" + "08" + "01000000")); // ts 7, length 0, audio
      RtmpMessage first = ch.readInbound();
      assertThat(first.payload()).isEmpty();
      ch.writeInbound(hex(c[1]));
      RtmpMessage second = ch.readInbound();
      assertThat(second).as("after %s", c[1]).isNotNull();
      assertThat(second.timestamp()).isEqualTo(14); // fmt 3 after fmt 0: the delta is 7 again
      ch.finishAndReleaseAll();
    }
  }

  @Test
  void extendedTimestampsFedByteByByte() {
    ByteBuf b = Unpooled.buffer();
    b.writeBytes(hex("06 ffffff 000000 09 01000000 01000000")); // extended, length 0: 16 bytes
    b.writeBytes(hex("06 ffffff 000082 09 01000000 01000005")); // 130 bytes at ts 0x01000005
    b.writeBytes(payload(130), 0, 128);
    b.writeBytes(hex("c6 01000005")); // the repeated extended timestamp
    b.writeBytes(payload(130), 128, 2);
    EmbeddedChannel ch = channel();
    int fed = 0;
    java.util.List<RtmpMessage> got = new java.util.ArrayList<>();
    while (b.isReadable()) {
      ch.writeInbound(b.readRetainedSlice(1));
      fed++;
      for (Object o = ch.readInbound(); o != null; o = ch.readInbound()) {
        got.add((RtmpMessage) o);
        if (got.size() == 1) {
          assertThat(fed).isEqualTo(16); // not a byte earlier
        }
      }
    }
    b.release();
    assertThat(got).hasSize(2);
    assertThat(got.get(0).timestamp()).isEqualTo(0x01000000L);
    assertThat(got.get(1).timestamp()).isEqualTo(0x01000005L);
    assertThat(got.get(1).payload()).isEqualTo(payload(130));
    ch.finishAndReleaseAll();
  }

  @Test
  void aHeaderCutInsideItsExtendedTimestampWaitsWithoutReadingPastTheBytes() throws RtmpProtocolException {
    ChunkDecoder d = new ChunkDecoder(1 << 20, 1 << 20);
    ByteBuf cut = hex("06 ffffff 000001 09 01000000 0100"); // two of the four extended timestamp bytes
    assertThat(d.decodeOne(cut)).isNull();
    assertThat(cut.readerIndex()).isZero(); // nothing consumed
    assertThat(d.bytesReceived()).isZero();
    RtmpMessage m = d.decodeOne(hex("06 ffffff 000001 09 01000000 01000000 2a"));
    assertThat(m.timestamp()).isEqualTo(0x01000000L);
    assertThat(m.payload()).containsExactly(0x2a);
  }

  @Test
  void messagesLargerThanTheInitialBufferGrowIt() {
    byte[] p = payload(100_000);
    ByteBuf b = Unpooled.buffer();
    b.writeBytes(hex("02 000000 000004 01 00000000 00008000")); // set chunk size 32768
    b.writeBytes(hex("06 000000 0186a0 09 01000000")); // 100,000 bytes
    for (int off = 0; off < p.length; off += 32768) {
      if (off > 0) {
        b.writeByte(0xC6);
      }
      b.writeBytes(p, off, Math.min(32768, p.length - off));
    }
    EmbeddedChannel ch = channel();
    ch.writeInbound(b);
    RtmpMessage m = ch.readInbound();
    assertThat(m.payload()).isEqualTo(p);
    ch.finishAndReleaseAll();
  }

  @Test
  void aChunkLargerThanTheInitialBufferGrowsItAtOnce() {
    byte[] p = payload(300_000);
    ByteBuf b = Unpooled.buffer();
    b.writeBytes(hex("02 000000 000004 01 00000000 00030d40")); // set chunk size 200,000
    b.writeBytes(hex("06 000000 0493e0 09 01000000")); // 300,000 bytes: a chunk of 200,000, then 100,000
    b.writeBytes(p, 0, 200_000);
    b.writeByte(0xC6);
    b.writeBytes(p, 200_000, 100_000);
    EmbeddedChannel ch = channel();
    ch.writeInbound(b);
    assertThat(((RtmpMessage) ch.readInbound()).payload()).isEqualTo(p);
    ch.finishAndReleaseAll();
  }

  @Test
  void messagesNameThemselvesWithoutTheirPayload() {
    assertThat(new RtmpMessage(3, 20, 1000, 1, new byte[42]).toString())
        .isEqualTo("RtmpMessage[csid=3, type=20, ts=1000, msid=1, 42 bytes]");
  }

  @Test
  void aNewHeaderInTheMiddleOfAMessageStartsANewOne() {
    byte[] second = payload(200);
    second[0] = 0x55;
    ByteBuf b = Unpooled.buffer();
    b.writeBytes(hex("06 000000 00012c 09 01000000")); // 300 bytes ...
    b.writeBytes(payload(128)); // ... of which one chunk
    b.writeBytes(hex("06 000009 0000c8 09 01000000")); // a type 0 header: a new message of 200 bytes
    b.writeBytes(second, 0, 128);
    b.writeByte(0xC6);
    b.writeBytes(second, 128, 72);
    EmbeddedChannel ch = channel();
    ch.writeInbound(b);
    RtmpMessage m = ch.readInbound();
    assertThat(m.timestamp()).isEqualTo(9);
    assertThat(m.payload()).isEqualTo(second); // 200 bytes, not the 300 of the buffer it reused
    assertThat((Object) ch.readInbound()).isNull();
    ch.finishAndReleaseAll();
  }

  @Test
  void afterAnAbortATypeThreeChunkStartsAFreshMessage() {
    byte[] fresh = payload(300);
    fresh[0] = 0x77;
    ByteBuf b = Unpooled.buffer();
    b.writeBytes(hex("06 000005 00012c 09 01000000")); // 300 bytes at ts 5 ...
    b.writeBytes(payload(128)); // ... first chunk only
    b.writeBytes(hex("02 000000 000004 02 00000000 00000006")); // abort chunk stream 6
    b.writeBytes(hex("02 000000 000004 02 00000000 00000009")); // abort a chunk stream never used: nothing
    b.writeByte(0xC6); // type 3: a new message with the same header, from its first byte
    b.writeBytes(fresh, 0, 128);
    b.writeByte(0xC6);
    b.writeBytes(fresh, 128, 128);
    b.writeByte(0xC6);
    b.writeBytes(fresh, 256, 44);
    EmbeddedChannel ch = channel();
    ch.writeInbound(b);
    RtmpMessage m = ch.readInbound();
    assertThat(m.payload()).isEqualTo(fresh);
    assertThat(m.timestamp()).isEqualTo(10); // a type 3 after a type 0: the delta again
    ch.finishAndReleaseAll();
  }

  @Test
  void setChunkSizeReadsAll31Bits() {
    EmbeddedChannel ch = channel();
    ch.writeInbound(hex("02 000000 000004 01 00000000 00012345"));
    assertThat(((ChunkDecoder) ch.pipeline().first()).chunkSize()).isEqualTo(0x12345);
    ch.writeInbound(hex("02 000000 000004 01 00000000 00000001")); // 1: the smallest allowed
    assertThat(((ChunkDecoder) ch.pipeline().first()).chunkSize()).isEqualTo(1);
    ch.finishAndReleaseAll();
    EmbeddedChannel ch2 = channel();
    assertThatThrownBy(() -> ch2.writeInbound(hex("02 000000 000004 01 00000000 01000000")))
        .hasMessageContaining("chunk size 16777216 outside 1..1048576");
    ch2.finishAndReleaseAll();
  }

  @Test
  void chunkStreamIdsFrom256AreKeptApartAndBounded() {
    EmbeddedChannel ch = channel();
    ch.writeInbound(hex("00c0 000000 000001 09 01000000 42")); // two-byte form: 64 + 192 = 256
    assertThat(((RtmpMessage) ch.readInbound()).chunkStreamId()).isEqualTo(256);
    for (int csid = 257; csid < 512; csid++) { // 256 streams from 256 up: the limit
      int v = csid - 64;
      ch.writeInbound(hex(String.format("01%02x%02x", v & 0xFF, v >> 8) + "000000 000000 09 01000000"));
      assertThat(((RtmpMessage) ch.readInbound()).chunkStreamId()).isEqualTo(csid);
    }
    assertThatThrownBy(() -> ch.writeInbound(hex("01c001 000000 000000 09 01000000"))) // 512
        .hasMessageContaining("too many chunk streams");
    ch.finishAndReleaseAll();
  }

  // ---------------------------------------------------------------------------------------------
  // Encoder

  @Test
  void smallMessageIsOneTypeZeroChunk() {
    assertThat(encodeHex(3, MessageType.COMMAND_AMF0, 1, 100, new byte[] {(byte) 0xAA, (byte) 0xBB}, 128))
        .isEqualTo("03" // fmt 0, csid 3
            + "000064" // timestamp 100
            + "000002" // length 2
            + "14" // type 20
            + "01000000" // message stream id 1, little endian
            + "aabb");
  }

  @Test
  void windowAckSizeMatchesTheSpecificationsExample() {
    // Section 5.4.4 (Window Acknowledgement Size): csid 2, msid 0, a 4-byte big-endian window.
    assertThat(encodeHex(2, MessageType.WINDOW_ACK_SIZE, 0, 0, new byte[] {0x00, 0x26, 0x25, (byte) 0xA0}, 128))
        .isEqualTo("02" + "000000" + "000004" + "05" + "00000000" + "002625a0");
  }

  @Test
  void longMessageContinuesWithTypeThreeHeaders() {
    byte[] p = payload(300);
    String body = HexFormat.of().formatHex(p);
    assertThat(encodeHex(6, MessageType.VIDEO, 1, 40, p, 128))
        .isEqualTo("06" + "000028" + "00012c" + "09" + "01000000" + body.substring(0, 256) // first 128 bytes
            + "c6" + body.substring(256, 512) // fmt 3, csid 6, the next 128
            + "c6" + body.substring(512)); // and the last 44
  }

  @Test
  void messageOfExactlyOneChunkHasNoContinuation() {
    assertThat(encodeHex(6, MessageType.VIDEO, 1, 0, payload(128), 128)).hasSize(2 * (12 + 128));
    assertThat(encodeHex(6, MessageType.VIDEO, 1, 0, payload(129), 128)).hasSize(2 * (12 + 128 + 1 + 1));
  }

  @Test
  void emptyMessageIsAHeaderAlone() {
    assertThat(encodeHex(4, MessageType.AUDIO, 1, 7, new byte[0], 128))
        .isEqualTo("04" + "000007" + "000000" + "08" + "01000000");
  }

  @Test
  void largeChunkStreamIdsUseTwoAndThreeByteBasicHeaders() {
    byte[] one = {0x42};
    assertThat(encodeHex(63, 9, 1, 0, one, 128)).startsWith("3f000000"); // one byte up to 63
    assertThat(encodeHex(64, 9, 1, 0, one, 128)).startsWith("0000" + "000000"); // csid 0, then 64 - 64
    assertThat(encodeHex(319, 9, 1, 0, one, 128)).startsWith("00ff" + "000000");
    assertThat(encodeHex(320, 9, 1, 0, one, 128)).startsWith("010001" + "000000"); // csid 1, then 256 little endian
    assertThat(encodeHex(65599, 9, 1, 0, one, 128)).startsWith("01ffff" + "000000");
    assertThat(encodeHex(320, 9, 1, 0, payload(129), 128)).contains("c10001" + HexFormat.of().formatHex(payload(129))
        .substring(256)); // the continuation header is three bytes too
    assertThatThrownBy(() -> encodeHex(1, 9, 1, 0, one, 128)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> encodeHex(65600, 9, 1, 0, one, 128)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void extendedTimestampIsWrittenAfterTheHeaderAndOnEveryContinuation() {
    long ts = 0x01000000L + 5; // past 4 h 39 min: needs the extended field
    byte[] p = payload(200);
    String body = HexFormat.of().formatHex(p);
    assertThat(encodeHex(6, 9, 1, ts, p, 128))
        .isEqualTo("06" + "ffffff" + "0000c8" + "09" + "01000000" + "01000005" + body.substring(0, 256)
            + "c6" + "01000005" + body.substring(256)); // FFmpeg and Flash expect the repeat
    assertThat(encodeHex(6, 9, 1, 0xFFFFFE, new byte[] {1}, 128)).startsWith("06" + "fffffe"); // still 24-bit
    assertThat(encodeHex(6, 9, 1, 0xFFFFFF, new byte[] {1}, 128)).isEqualTo("06ffffff00000109" + "01000000"
        + "00ffffff" + "01"); // 0xffffff itself needs the extended field
  }

  @Test
  void twoByteBasicHeaderContinuesWithTypeThree() {
    byte[] p = payload(129);
    String body = HexFormat.of().formatHex(p);
    assertThat(encodeHex(64, 9, 1, 0, p, 128)).isEqualTo("0000" + "000000" + "000081" + "09" + "01000000"
        + body.substring(0, 256) + "c000" + body.substring(256));
  }

  @Test
  void badChunkStreamIdsAreRefusedBeforeAnythingIsAllocated() {
    int[] allocated = {0};
    ByteBufAllocator counting = new io.netty.buffer.AbstractByteBufAllocator(false) {
      @Override
      protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
        allocated[0]++;
        return Unpooled.buffer(initialCapacity, maxCapacity);
      }

      @Override
      protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
        allocated[0]++;
        return Unpooled.directBuffer(initialCapacity, maxCapacity);
      }

      @Override
      public boolean isDirectBufferPooled() {
        return false;
      }
    };
    assertThatThrownBy(() -> ChunkEncoder.encode(counting, 1, 9, 1, 0, new byte[] {1}, 128))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(allocated[0]).isZero();
    assertThatThrownBy(() -> ChunkEncoder.encodeToArray(1, 9, 1, 0, new byte[] {1}, 128))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ChunkEncoder.encode(Unpooled.buffer(), 65600, 9, 1, 0, new byte[] {1}, 0, 1, 128))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void encodedSizeCountsTheExtendedFieldFromExactly0xffffffAndWholeChunks() {
    assertThat(ChunkEncoder.encodedSize(6, 0xFFFFFE, 10, 128)).isEqualTo(12 + 10);
    assertThat(ChunkEncoder.encodedSize(6, 0xFFFFFF, 10, 128)).isEqualTo(12 + 4 + 10);
    assertThat(ChunkEncoder.encodedSize(6, 0, 256, 128)).isEqualTo(12 + 256 + 1); // two chunks exactly
    assertThat(ChunkEncoder.encodedSize(6, 0, 257, 128)).isEqualTo(12 + 257 + 2);
  }

  @Test
  void timestampsBeyond32BitsAreSentModulo2To32() {
    assertThat(encodeHex(6, 9, 1, (1L << 32) + 10, new byte[] {1}, 128)).startsWith("06" + "00000a");
  }

  @Test
  void sharedArrayEncodingHasTheSameBytesAndItsPredictedSize() {
    byte[] p = payload(70_000);
    byte[] arr = ChunkEncoder.encodeToArray(6, 9, 1, 123, p, 60_000);
    String body = HexFormat.of().formatHex(p);
    assertThat(HexFormat.of().formatHex(arr)).isEqualTo("06" + "00007b" + "011170" + "09" + "01000000"
        + body.substring(0, 120_000) + "c6" + body.substring(120_000));
    assertThat(ChunkEncoder.encodedSize(6, 123, 70_000, 60_000)).isEqualTo(12 + 70_000 + 1);
    assertThat(ChunkEncoder.encodedSize(6, 0x01000000L, 200, 128)).isEqualTo(12 + 4 + 200 + 1 + 4);
    assertThat(ChunkEncoder.encodedSize(320, 0, 200, 128)).isEqualTo(3 + 11 + 200 + 3);
    assertThat(ChunkEncoder.encodedSize(64, 0, 0, 128)).isEqualTo(2 + 11);
  }
}
