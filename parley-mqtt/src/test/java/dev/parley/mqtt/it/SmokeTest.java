package dev.parley.mqtt.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.core.testing.TestKernel;
import dev.parley.mqtt.codec.MqttPacket;
import dev.parley.mqtt.codec.MqttVersion;
import dev.parley.mqtt.codec.PacketType;
import dev.parley.mqtt.codec.Properties;
import java.util.List;
import org.junit.jupiter.api.Test;

class SmokeTest {
  @Test
  void rawPublishSubscribe() throws Exception {
    try (TestKernel k = MqttServer.start();
        RawClient sub = new RawClient(k.port("mqtt"), MqttVersion.V5);
        RawClient pub = new RawClient(k.port("mqtt"), MqttVersion.V5)) {
      assertThat(sub.connect("sub").reasonCode()).isZero();
      assertThat(pub.connect("pub").reasonCode()).isZero();
      sub.send(new MqttPacket.Subscribe(1, 0, List.of(), List.of(new MqttPacket.Subscription("public/#", 1))));
      MqttPacket.SubAck ack = (MqttPacket.SubAck) sub.read();
      assertThat(ack.reasonCodes()).containsExactly(1);
      pub.send(new MqttPacket.Publish("public/a", 1, false, 7, "hi".getBytes()));
      MqttPacket.PubReply puback = (MqttPacket.PubReply) pub.read();
      assertThat(puback.type()).isEqualTo(PacketType.PUBACK);
      MqttPacket.Publish got = (MqttPacket.Publish) sub.read();
      assertThat(new String(got.payload())).isEqualTo("hi");
      assertThat(got.qos()).isEqualTo(1);
      sub.send(new MqttPacket.PubReply(PacketType.PUBACK, got.packetId()));
      sub.send(MqttPacket.Disconnect.NORMAL);
      assertThat(Properties.NONE).isNotNull();
    }
  }
}
