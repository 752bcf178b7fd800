package dev.parley.mqtt.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.core.testing.ManualTime;
import dev.parley.core.testing.TestKernel;
import dev.parley.mqtt.codec.MessageProps;
import dev.parley.mqtt.codec.MqttPacket;
import dev.parley.mqtt.codec.MqttVersion;
import dev.parley.mqtt.codec.PacketType;
import dev.parley.mqtt.codec.Properties;
import dev.parley.mqtt.codec.ReasonCode;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The broker's limits, each answered with its reason code: what a client sees at each edge. */
class LimitsTest {
  static final ManualTime time = new ManualTime();
  static TestKernel server;

  @BeforeAll
  static void start() {
    server = MqttServer.start(time, Map.of("mqtt.max-packet-size", "2KiB", "mqtt.receive-maximum", "3",
        "mqtt.max-topic-levels", "4", "mqtt.topic-alias-maximum", "2", "mqtt.max-queued-messages", "3",
        "mqtt.keep-alive.max", "30s", "mqtt.max-inflight", "2"));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  RawClient client(String id, int level) throws IOException {
    RawClient c = new RawClient(server.port("mqtt"), level);
    assertThat(c.connect(id).reasonCode()).isZero();
    return c;
  }

  static MqttPacket.Subscribe sub(int id, String filter, int qos) {
    return new MqttPacket.Subscribe(id, 0, List.of(), List.of(new MqttPacket.Subscription(filter, qos)));
  }

  @Test
  void connackAnnouncesTheLimits() throws IOException {
    try (RawClient c = new RawClient(server.port("mqtt"), MqttVersion.V5)) {
      // Keepalive 0 asks for none: the server imposes its maximum (server keep alive).
      c.send(new MqttPacket.Connect(MqttVersion.V5, true, 0, Properties.NONE, "limits", null, null, null));
      MqttPacket.ConnAck ack = (MqttPacket.ConnAck) c.read();
      assertThat(ack.props().serverKeepAlive).isEqualTo(30);
      assertThat(ack.props().maximumPacketSize).isEqualTo(2048L);
      assertThat(ack.props().receiveMaximum).isEqualTo(3);
      assertThat(ack.props().topicAliasMaximum).isEqualTo(2);
    }
  }

  @Test
  void packetAboveTheMaximumSizeEndsTheConnectionWith0x95() throws IOException {
    try (RawClient c = client("big", MqttVersion.V5)) {
      c.send(new MqttPacket.Publish("public/big", 0, false, 0, new byte[4096]));
      MqttPacket last = c.readUntilClosed();
      assertThat(((MqttPacket.Disconnect) last).reasonCode()).isEqualTo(ReasonCode.PACKET_TOO_LARGE);
    }
  }

  @Test
  void moreUnacknowledgedQos2ThanReceiveMaximumEndsWith0x93() throws IOException {
    try (RawClient c = client("flood", MqttVersion.V5)) {
      for (int i = 1; i <= 4; i++) {
        c.send(new MqttPacket.Publish("public/q2", 2, false, i, new byte[1]));
      }
      MqttPacket last = c.readUntilClosed();
      assertThat(((MqttPacket.Disconnect) last).reasonCode()).isEqualTo(ReasonCode.RECEIVE_MAXIMUM_EXCEEDED);
    }
  }

  @Test
  void topicWithTooManyLevelsIsRefusedWith0x90() throws IOException {
    try (RawClient c = client("deep", MqttVersion.V5)) {
      c.send(new MqttPacket.Publish("public/a/b/c/d", 1, false, 1, new byte[1]));
      MqttPacket.PubReply r = (MqttPacket.PubReply) c.read();
      assertThat(r.reasonCode()).isEqualTo(ReasonCode.TOPIC_NAME_INVALID);
      c.send(sub(2, "public/a/b/c/#", 0));
      assertThat(((MqttPacket.SubAck) c.read()).reasonCodes()).containsExactly(ReasonCode.TOPIC_FILTER_INVALID);
    }
  }

  @Test
  void topicAliasAboveTheMaximumEndsWith0x94() throws IOException {
    try (RawClient c = client("alias", MqttVersion.V5)) {
      c.send(new MqttPacket.Publish("public/x", 0, false, false, 0, MessageProps.NONE, new byte[1], 3,
          MqttPacket.Publish.NO_IDS));
      assertThat(((MqttPacket.Disconnect) c.readUntilClosed()).reasonCode()).isEqualTo(ReasonCode.TOPIC_ALIAS_INVALID);
    }
  }

  @Test
  void inboundTopicAliasIsRemembered() throws IOException {
    try (RawClient c = client("alias-ok", MqttVersion.V5)) {
      c.send(sub(1, "public/aliased", 0));
      c.read();
      c.send(new MqttPacket.Publish("public/aliased", 0, false, false, 0, MessageProps.NONE, "1".getBytes(), 1,
          MqttPacket.Publish.NO_IDS));
      c.send(new MqttPacket.Publish("", 0, false, false, 0, MessageProps.NONE, "2".getBytes(), 1,
          MqttPacket.Publish.NO_IDS));
      assertThat(new String(((MqttPacket.Publish) c.read()).payload())).isEqualTo("1");
      assertThat(new String(((MqttPacket.Publish) c.read()).payload())).isEqualTo("2");
    }
  }

  @Test
  void outboundTopicAliasesAreUsedWhenTheClientAllows() throws IOException {
    try (RawClient c = new RawClient(server.port("mqtt"), MqttVersion.V5)) {
      Properties p = new Properties();
      p.topicAliasMaximum = 5;
      c.connect("alias-out", true, p);
      c.send(sub(1, "public/ao", 0));
      c.read();
      c.send(new MqttPacket.Publish("public/ao", 0, false, 0, "1".getBytes()));
      c.send(new MqttPacket.Publish("public/ao", 0, false, 0, "2".getBytes()));
      MqttPacket.Publish first = (MqttPacket.Publish) c.read();
      MqttPacket.Publish second = (MqttPacket.Publish) c.read();
      assertThat(first.topic()).isEqualTo("public/ao");
      assertThat(first.topicAlias()).isEqualTo(1);
      assertThat(second.topic()).isEmpty();
      assertThat(second.topicAlias()).isEqualTo(1);
    }
  }

  @Test
  void messageLargerThanTheClientMaximumIsNotSent() throws IOException {
    try (RawClient c = new RawClient(server.port("mqtt"), MqttVersion.V5)) {
      Properties p = new Properties();
      p.maximumPacketSize = 64L;
      c.connect("small-client", true, p);
      c.send(sub(1, "public/sz", 0));
      c.read();
      c.send(new MqttPacket.Publish("public/sz", 0, false, 0, new byte[200]));
      c.send(new MqttPacket.Publish("public/sz", 0, false, 0, "ok".getBytes()));
      assertThat(new String(((MqttPacket.Publish) c.read()).payload())).isEqualTo("ok");
    }
  }

  @Test
  void fullQueueDropsNewMessagesAndTheWindowHoldsTheRest() throws IOException {
    try (RawClient c = new RawClient(server.port("mqtt"), MqttVersion.V5);
        RawClient pub = client("q-pub", MqttVersion.V3_1_1)) {
      Properties p = new Properties();
      p.sessionExpiryInterval = 60L;
      c.connect("q-sub", true, p);
      c.send(sub(1, "public/q", 1));
      c.read();
      c.send(MqttPacket.Disconnect.NORMAL);
      c.readUntilClosed();
      for (int i = 1; i <= 6; i++) {
        pub.send(new MqttPacket.Publish("public/q", 1, false, i, ("m" + i).getBytes()));
        assertThat(pub.read().type()).isEqualTo(PacketType.PUBACK);
      }
      try (RawClient again = new RawClient(server.port("mqtt"), MqttVersion.V5)) {
        MqttPacket.ConnAck ack = again.connect("q-sub", false, p);
        assertThat(ack.sessionPresent()).isTrue();
        // In-flight window 2 (mqtt.max-inflight): two arrive, the third waits for an ack.
        List<String> got = new ArrayList<>();
        MqttPacket.Publish a = (MqttPacket.Publish) again.read();
        MqttPacket.Publish b = (MqttPacket.Publish) again.read();
        got.add(new String(a.payload()));
        got.add(new String(b.payload()));
        again.assertNothingMoreBeforePing();
        again.send(new MqttPacket.PubReply(PacketType.PUBACK, a.packetId()));
        MqttPacket.Publish third = (MqttPacket.Publish) again.read();
        got.add(new String(third.payload()));
        // Queue of 3: the first three were kept, m4..m6 dropped (drop-new).
        assertThat(got).containsExactly("m1", "m2", "m3");
        again.send(new MqttPacket.PubReply(PacketType.PUBACK, b.packetId()));
        again.send(new MqttPacket.PubReply(PacketType.PUBACK, third.packetId()));
        again.assertNothingMoreBeforePing();
      }
      assertThat(MqttServer.broker(server).droppedCount("queue_full")).isEqualTo(3);
    }
  }

  @Test
  void keepaliveIsEnforcedAtOneAndAHalfTimes() throws IOException {
    try (RawClient c = new RawClient(server.port("mqtt"), MqttVersion.V5)) {
      c.send(new MqttPacket.Connect(MqttVersion.V5, true, 2, Properties.NONE, "ka", null, null, null));
      assertThat(((MqttPacket.ConnAck) c.read()).reasonCode()).isZero();
      // Keepalive 2 s: the limit is 3 s of silence, and every packet starts it again.
      time.advance(Duration.ofMillis(2999));
      c.send(MqttPacket.PingReq.INSTANCE);
      assertThat(c.read()).isEqualTo(MqttPacket.PingResp.INSTANCE);
      time.advance(Duration.ofMillis(2999));
      c.assertNothingMoreBeforePing();
      time.advance(Duration.ofMillis(2999));
      c.assertNothingMoreBeforePing();
      time.advance(Duration.ofMillis(3000));
      MqttPacket last = c.readUntilClosed();
      assertThat(((MqttPacket.Disconnect) last).reasonCode()).isEqualTo(ReasonCode.KEEP_ALIVE_TIMEOUT);
    }
  }

  @Test
  void aKeepaliveShorterThanTheConnectTimeoutCountsFromConnack() throws IOException {
    // The CONNECT timeout is 10 s; a keepalive of 1 s closes a silent client 1.5 s after CONNACK.
    try (RawClient c = new RawClient(server.port("mqtt"), MqttVersion.V5)) {
      c.send(new MqttPacket.Connect(MqttVersion.V5, true, 1, Properties.NONE, "ka-short", null, null, null));
      assertThat(((MqttPacket.ConnAck) c.read()).reasonCode()).isZero();
      time.advance(Duration.ofMillis(1500));
      MqttPacket last = c.readUntilClosed();
      assertThat(((MqttPacket.Disconnect) last).reasonCode()).isEqualTo(ReasonCode.KEEP_ALIVE_TIMEOUT);
    }
  }

  @Test
  void connectionsPerIpAboveTheCapAreRefused() throws IOException {
    try (TestKernel k = MqttServer.start(Map.of("mqtt.max-connections-per-ip", "1"));
        RawClient first = new RawClient(k.port("mqtt"), MqttVersion.V5)) {
      // The first connection is fully set up before the second is opened (accepts run on several loops).
      assertThat(first.connect("first").reasonCode()).isZero();
      RawClient second = new RawClient(k.port("mqtt"), MqttVersion.V5);
      MqttPacket.ConnAck refused = second.connect("second");
      assertThat(refused.reasonCode()).isEqualTo(ReasonCode.QUOTA_EXCEEDED);
      assertThat(second.readUntilClosed()).isNull();
      second.close();
    }
  }
}
