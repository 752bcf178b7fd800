package dev.parley.mqtt.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.core.testing.ManualTime;
import dev.parley.core.testing.TestKernel;
import dev.parley.mqtt.codec.MqttPacket;
import dev.parley.mqtt.codec.MqttVersion;
import dev.parley.mqtt.codec.PacketType;
import dev.parley.mqtt.codec.Properties;
import dev.parley.mqtt.codec.ReasonCode;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A raw client sends malformed and out-of-order packets; the broker answers with the reason code
 * (MQTT 5) or closes, and a bystander's subscription keeps working throughout.
 */
class MalformedInputTest extends SharedServer {
  RawClient bystanderSub;
  RawClient bystanderPub;
  int seq;

  @BeforeEach
  void bystanders() throws IOException {
    bystanderSub = new RawClient(server.port("mqtt"), MqttVersion.V5);
    bystanderPub = new RawClient(server.port("mqtt"), MqttVersion.V3_1_1);
    assertThat(bystanderSub.connect("bystander-sub").reasonCode()).isZero();
    assertThat(bystanderPub.connect("bystander-pub").reasonCode()).isZero();
    bystanderSub.send(new MqttPacket.Subscribe(1, 0, List.of(), List.of(new MqttPacket.Subscription("public/by", 1))));
    assertThat(bystanderSub.read().type()).isEqualTo(PacketType.SUBACK);
  }

  @AfterEach
  void bystandersUntouched() throws IOException {
    int id = ++seq;
    bystanderPub.send(new MqttPacket.Publish("public/by", 1, false, id, ("still " + id).getBytes()));
    assertThat(bystanderPub.read()).isEqualTo(new MqttPacket.PubReply(PacketType.PUBACK, id));
    MqttPacket.Publish got = (MqttPacket.Publish) bystanderSub.read();
    assertThat(new String(got.payload())).isEqualTo("still " + id);
    bystanderSub.send(new MqttPacket.PubReply(PacketType.PUBACK, got.packetId()));
    bystanderSub.close();
    bystanderPub.close();
  }

  private RawClient v5() throws IOException {
    RawClient c = new RawClient(server.port("mqtt"), MqttVersion.V5);
    assertThat(c.connect("bad-" + (++seq)).reasonCode()).isZero();
    return c;
  }

  private static void assertDisconnect(RawClient c, int reason) throws IOException {
    MqttPacket last = c.readUntilClosed();
    assertThat(last).isInstanceOf(MqttPacket.Disconnect.class);
    assertThat(((MqttPacket.Disconnect) last).reasonCode()).as("reason code").isEqualTo(reason);
  }

  @Test
  void packetBeforeConnectClosesTheConnection() throws IOException {
    try (RawClient c = new RawClient(server.port("mqtt"), MqttVersion.V5)) {
      c.send(MqttPacket.PingReq.INSTANCE);
      assertThat(c.readUntilClosed()).isNull();
    }
  }

  @Test
  void secondConnectIsAProtocolError() throws IOException {
    try (RawClient c = v5()) {
      c.send(new MqttPacket.Connect(MqttVersion.V5, true, 60, Properties.NONE, "again", null, null, null));
      assertDisconnect(c, ReasonCode.PROTOCOL_ERROR);
    }
  }

  @Test
  void remainingLengthOfFiveBytesIsMalformed() throws IOException {
    try (RawClient c = v5()) {
      c.sendBytes(0xC0, 0xFF, 0xFF, 0xFF, 0xFF, 0x01);
      assertDisconnect(c, ReasonCode.MALFORMED_PACKET);
    }
  }

  @Test
  void illFormedUtf8InTopicIsMalformed() throws IOException {
    try (RawClient c = v5()) {
      // PUBLISH QoS 0: topic length 2, bytes C3 28 (invalid UTF-8), property length 0, no payload.
      c.sendBytes(0x30, 0x05, 0x00, 0x02, 0xC3, 0x28, 0x00);
      assertDisconnect(c, ReasonCode.MALFORMED_PACKET);
    }
  }

  @Test
  void nulCharacterInTopicIsMalformed() throws IOException {
    try (RawClient c = v5()) {
      c.sendBytes(0x30, 0x05, 0x00, 0x02, 'a', 0x00, 0x00);
      assertDisconnect(c, ReasonCode.MALFORMED_PACKET);
    }
  }

  @Test
  void reservedFlagsOnSubscribeAreMalformed() throws IOException {
    try (RawClient c = v5()) {
      // SUBSCRIBE must have flags 0010; here 0000.
      c.sendBytes(0x80, 0x08, 0x00, 0x01, 0x00, 0x00, 0x02, 'a', 'b', 0x00);
      assertDisconnect(c, ReasonCode.MALFORMED_PACKET);
    }
  }

  @Test
  void subscribeWithQos3IsAProtocolErrorInMqtt5() throws IOException {
    try (RawClient c = v5()) {
      // SUBSCRIBE id 1, no properties, filter "ab", options 0x03 (QoS 3): MQTT 5, 3.8.3.1.
      c.sendBytes(0x82, 0x08, 0x00, 0x01, 0x00, 0x00, 0x02, 'a', 'b', 0x03);
      assertDisconnect(c, ReasonCode.PROTOCOL_ERROR);
    }
  }

  @Test
  void subscribeWithReservedOptionBitsIsMalformed() throws IOException {
    try (RawClient c = v5()) {
      c.sendBytes(0x82, 0x08, 0x00, 0x01, 0x00, 0x00, 0x02, 'a', 'b', 0x41);
      assertDisconnect(c, ReasonCode.MALFORMED_PACKET);
    }
  }

  @Test
  void publishWithQos3IsMalformed() throws IOException {
    try (RawClient c = v5()) {
      c.sendBytes(0x36, 0x06, 0x00, 0x01, 'a', 0x00, 0x01, 0x00);
      assertDisconnect(c, ReasonCode.MALFORMED_PACKET);
    }
  }

  @Test
  void packetIdZeroIsMalformed() throws IOException {
    try (RawClient c = v5()) {
      // PUBLISH QoS 1, topic "a", packet id 0.
      c.sendBytes(0x32, 0x06, 0x00, 0x01, 'a', 0x00, 0x00, 0x00);
      assertDisconnect(c, ReasonCode.MALFORMED_PACKET);
    }
  }

  @Test
  void pubrelForAnUnknownPacketIdGetsNotFound() throws IOException {
    try (RawClient c = v5()) {
      c.send(new MqttPacket.PubReply(PacketType.PUBREL, 4242));
      MqttPacket.PubReply comp = (MqttPacket.PubReply) c.read();
      assertThat(comp.type()).isEqualTo(PacketType.PUBCOMP);
      assertThat(comp.reasonCode()).isEqualTo(ReasonCode.PACKET_IDENTIFIER_NOT_FOUND);
    }
  }

  @Test
  void wildcardInTopicNameIsRefused() throws IOException {
    try (RawClient c = v5()) {
      c.send(new MqttPacket.Publish("public/+", 0, false, 0, new byte[0]));
      assertDisconnect(c, ReasonCode.TOPIC_NAME_INVALID);
    }
  }

  @Test
  void duplicatePropertyIsAProtocolError() throws IOException {
    try (RawClient c = v5()) {
      // PUBLISH QoS 0 "a", properties: content type "x" twice.
      c.sendBytes(0x30, 0x0C, 0x00, 0x01, 'a', 0x08, 0x03, 0x00, 0x01, 'x', 0x03, 0x00, 0x01, 'x');
      assertDisconnect(c, ReasonCode.PROTOCOL_ERROR);
    }
  }

  @Test
  void unsupportedProtocolLevelGetsReturnCode1() throws IOException {
    try (RawClient c = new RawClient(server.port("mqtt"), MqttVersion.V3_1_1)) {
      // CONNECT "MQTT" level 6.
      c.sendBytes(0x10, 0x0D, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x06, 0x02, 0x00, 0x3C, 0x00, 0x01, 'x');
      MqttPacket.ConnAck ack = (MqttPacket.ConnAck) c.read();
      assertThat(ack.reasonCode()).isEqualTo(ReasonCode.V3_UNACCEPTABLE_PROTOCOL_VERSION);
      assertThat(c.readUntilClosed()).isNull();
    }
  }

  @Test
  void connectWithReservedFlagIsMalformedAndClosed() throws IOException {
    try (RawClient c = new RawClient(server.port("mqtt"), MqttVersion.V5)) {
      c.sendBytes(0x10, 0x0E, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x05, 0x03, 0x00, 0x3C, 0x00, 0x00, 0x01, 'x');
      assertThat(c.readUntilClosed()).isNull();
    }
  }

  @Test
  void truncatedConnectIsClosed() throws IOException {
    try (RawClient c = new RawClient(server.port("mqtt"), MqttVersion.V5)) {
      // Remaining length 3 but the protocol name alone needs 6.
      c.sendBytes(0x10, 0x03, 0x00, 0x04, 'M');
      assertThat(c.readUntilClosed()).isNull();
    }
  }

  @Test
  void garbageAfterConnectIsMalformed() throws IOException {
    try (RawClient c = v5()) {
      c.sendBytes(0x00, 0x00);
      assertDisconnect(c, ReasonCode.MALFORMED_PACKET);
    }
  }

  @Test
  void serverToClientPacketFromClientIsAProtocolError() throws IOException {
    try (RawClient c = v5()) {
      c.sendBytes(0x20, 0x03, 0x00, 0x00, 0x00);
      assertDisconnect(c, ReasonCode.PROTOCOL_ERROR);
    }
  }

  @Test
  void silentConnectionIsClosedAfterTheConnectTimeout() throws IOException {
    ManualTime t = new ManualTime();
    try (TestKernel k = MqttServer.start(t, java.util.Map.of("mqtt.connect-timeout", "10s"));
        RawClient late = new RawClient(k.port("mqtt"), MqttVersion.V5);
        RawClient silent = new RawClient(k.port("mqtt"), MqttVersion.V5)) {
      // Both accepted (their CONNECT timers set) at the same instant.
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> connections(k) == 2);
      t.advance(Duration.ofSeconds(10).minusMillis(1));
      assertThat(late.connect("late").reasonCode()).isZero();
      t.advance(Duration.ofMillis(1));
      assertThat(silent.readOrNull(Duration.ofSeconds(5))).isNull();
      late.assertNothingMoreBeforePing();
    }
  }

  private static double connections(TestKernel k) {
    return k.kernel().context().metrics().get("parley.mqtt.connections").gauge().value();
  }
}
