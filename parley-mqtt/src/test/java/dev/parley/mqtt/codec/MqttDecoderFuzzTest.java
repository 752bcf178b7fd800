package dev.parley.mqtt.codec;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;

/**
 * Fuzz target for the MQTT decoder: any bytes, at either protocol level and split anywhere,
 * decode into packets or end in one {@link DecodeFailure}; nothing is thrown and no buffer leaks.
 * Runs its corpus in every build; CI fuzzes it for a bounded time with JAZZER_FUZZ=1.
 */
class MqttDecoderFuzzTest {
  @FuzzTest(maxDuration = "60s")
  void anyBytesDecodeOrFailCleanly(byte[] input) {
    if (input.length == 0) {
      return;
    }
    int level = (input[0] & 1) == 0 ? MqttVersion.V3_1_1 : MqttVersion.V5;
    MqttDecoder decoder = new MqttDecoder(64 * 1024, (input[0] & 2) == 0);
    if ((input[0] & 4) != 0) {
      decoder.level(level);
    }
    EmbeddedChannel ch = new EmbeddedChannel(decoder);
    int half = input.length / 2;
    ch.writeInbound(Unpooled.wrappedBuffer(input, 1, Math.max(0, half - 1)));
    ch.writeInbound(Unpooled.wrappedBuffer(input, half, input.length - half));
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
