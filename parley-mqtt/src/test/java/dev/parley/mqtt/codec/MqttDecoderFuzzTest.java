package dev.parley.mqtt.codec;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;

/**
 * Fuzz target for the MQTT decoder: any bytes, at either protocol level and split anywhere,
 * decode into packets or end in one {@link DecodeFailure}; nothing is thrown and no buffer leaks.
 *
 * <p>The first byte of an input picks the mode: bit 0 the level (0: 3.1.1, 1: 5), bit 1 the
 * direction (0: from a client, as the broker decodes; 1: from the server, as a client does), bit
 * 2 whether the level is set before decoding (0: learned from the CONNECT, as the broker does).
 * The rest is the byte stream, written in two parts split at its middle.
 *
 * <p>Every build replays, in Jazzer's regression mode, each file in
 * {@code src/test/resources/dev/parley/mqtt/codec/MqttDecoderFuzzTestInputs/anyBytesDecodeOrFailCleanly/}:
 * the seed corpus of real traffic (recorded by {@code CorpusRecorder}, checked packet by packet by
 * {@link CapturedTrafficTest}) and every input a fuzzing run found to crash, which Jazzer writes
 * there and which is committed as a regression case. {@code JAZZER_FUZZ=1} fuzzes from that
 * corpus for up to 60 s.
 */
class MqttDecoderFuzzTest {
  @FuzzTest(maxDuration = "60s")
  void anyBytesDecodeOrFailCleanly(byte[] input) {
    if (input.length < 2) {
      return;
    }
    int mode = input[0];
    int level = (mode & 1) == 0 ? MqttVersion.V3_1_1 : MqttVersion.V5;
    MqttDecoder decoder = new MqttDecoder(64 * 1024, (mode & 2) == 0);
    if ((mode & 4) != 0) {
      decoder.level(level);
    }
    EmbeddedChannel ch = new EmbeddedChannel(decoder);
    int split = 1 + (input.length - 1) / 2;
    ch.writeInbound(Unpooled.wrappedBuffer(input, 1, split - 1));
    ch.writeInbound(Unpooled.wrappedBuffer(input, split, input.length - split));
    Object o;
    while ((o = ch.readInbound()) != null) {
      if (o instanceof MqttPacket p) {
        // Whatever decodes must encode again.
        ByteBuf b = MqttEncoder.encode(ch.alloc(), p, Math.max(decoder.level(), MqttVersion.V3_1_1));
        b.release();
      }
    }
    ch.finishAndReleaseAll();
  }
}
