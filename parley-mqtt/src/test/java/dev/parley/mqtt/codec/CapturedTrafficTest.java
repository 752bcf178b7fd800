package dev.parley.mqtt.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fuzz target's seed corpus is real traffic of mosquitto, Paho and the HiveMQ client with this
 * broker (recorded by {@code CorpusRecorder}). Beyond not crashing, every byte of it must decode
 * into packets without a single failure, at the level and in the direction its mode byte names,
 * and each packet must encode again into bytes that decode to the same size.
 */
class CapturedTrafficTest {
  static Path corpus() throws URISyntaxException {
    return Path.of(CapturedTrafficTest.class.getResource("MqttDecoderFuzzTestInputs/anyBytesDecodeOrFailCleanly")
        .toURI());
  }

  static Stream<String> captures() throws IOException, URISyntaxException {
    try (Stream<Path> files = Files.list(corpus())) {
      List<String> names = files.map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith("-to-broker") || n.endsWith("-to-client")).sorted().toList();
      assertThat(names).as("captured traffic in the corpus").hasSizeGreaterThanOrEqualTo(20);
      return names.stream();
    }
  }

  @ParameterizedTest
  @MethodSource("captures")
  void realTrafficDecodesWithoutAFailure(String name) throws Exception {
    byte[] file = Files.readAllBytes(corpus().resolve(name));
    int mode = file[0];
    boolean toBroker = name.endsWith("-to-broker");
    // The mode byte as MqttDecoderFuzzTest reads it.
    assertThat(mode).isEqualTo(toBroker ? 0x00 : name.contains("-v5") ? 0x07 : 0x06);
    MqttDecoder decoder = new MqttDecoder(1 << 20, toBroker);
    if (!toBroker) {
      decoder.level(mode == 0x07 ? MqttVersion.V5 : MqttVersion.V3_1_1);
    }
    EmbeddedChannel ch = new EmbeddedChannel(decoder);
    ch.writeInbound(Unpooled.wrappedBuffer(file, 1, file.length - 1));
    List<MqttPacket> packets = new ArrayList<>();
    Object o;
    while ((o = ch.readInbound()) != null) {
      assertThat(o).as("decoded from " + name).isInstanceOf(MqttPacket.class);
      packets.add((MqttPacket) o);
    }
    assertThat(ch.finishAndReleaseAll()).isFalse();
    assertThat(packets.get(0).type()).isEqualTo(toBroker ? PacketType.CONNECT : PacketType.CONNACK);
    assertThat(packets).hasSizeGreaterThan(toBroker ? 2 : 0);
    int level = decoder.level();
    assertThat(level).isEqualTo(name.contains("-v5") ? MqttVersion.V5 : MqttVersion.V3_1_1);
    for (MqttPacket p : packets) {
      EmbeddedChannel again = new EmbeddedChannel(new MqttEncoder.Handler(level));
      again.writeOutbound(p);
      io.netty.buffer.ByteBuf encoded = again.readOutbound();
      MqttDecoder d = new MqttDecoder(1 << 20, toBroker);
      d.level(level);
      EmbeddedChannel back = new EmbeddedChannel(d);
      back.writeInbound(encoded);
      Object decoded = back.readInbound();
      assertThat(decoded).as(p.toString()).isInstanceOf(MqttPacket.class);
      assertThat(MqttEncoder.size((MqttPacket) decoded, level)).isEqualTo(MqttEncoder.size(p, level));
      back.finishAndReleaseAll();
      again.finishAndReleaseAll();
    }
  }
}
