package dev.parley.mqtt.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.mqtt.codec.MqttPacket;
import dev.parley.mqtt.codec.MqttVersion;
import dev.parley.mqtt.codec.PacketType;
import dev.parley.mqtt.codec.Properties;
import dev.parley.mqtt.codec.ReasonCode;
import dev.parley.mqtt.push.MqttPushHook;
import dev.parley.core.spi.OfflineDeliveryHook;
import dev.parley.protocol.im.Message;
import dev.parley.protocol.im.MessageKind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Delivery rules seen on the wire: QoS 2 both ways, redelivery with DUP, options, push. */
class DeliveryTest extends SharedServer {

  static RawClient client(String id, int level, long expiry, boolean clean) throws IOException {
    RawClient c = new RawClient(server.port("mqtt"), level);
    Properties p = new Properties();
    if (expiry > 0) {
      p.sessionExpiryInterval = expiry;
    }
    assertThat(c.connect(id, clean, level == MqttVersion.V5 ? p : Properties.NONE).reasonCode()).isZero();
    return c;
  }

  static void subscribe(RawClient c, int subId, MqttPacket.Subscription... subs) throws IOException {
    c.send(new MqttPacket.Subscribe(9, subId, List.of(), List.of(subs)));
    assertThat(c.read().type()).isEqualTo(PacketType.SUBACK);
  }

  @Test
  void qos2OutboundIsResentWithDupAfterReconnectAndThenReleased() throws IOException {
    RawClient sub = client("d-q2", MqttVersion.V5, 300, true);
    subscribe(sub, 0, new MqttPacket.Subscription("public/d/q2", 2));
    try (RawClient pub = client("d-q2-pub", MqttVersion.V3_1_1, 0, true)) {
      pub.send(new MqttPacket.Publish("public/d/q2", 2, false, 1, "x".getBytes()));
      assertThat(pub.read()).isEqualTo(new MqttPacket.PubReply(PacketType.PUBREC, 1));
      pub.send(new MqttPacket.PubReply(PacketType.PUBREL, 1));
      assertThat(pub.read()).isEqualTo(new MqttPacket.PubReply(PacketType.PUBCOMP, 1));
    }
    MqttPacket.Publish first = (MqttPacket.Publish) sub.read();
    assertThat(first.dup()).isFalse();
    sub.close();
    // Reconnect without acknowledging: the same packet id comes again with DUP set.
    RawClient back = client("d-q2", MqttVersion.V5, 300, false);
    MqttPacket.Publish again = (MqttPacket.Publish) back.read();
    assertThat(again.dup()).isTrue();
    assertThat(again.packetId()).isEqualTo(first.packetId());
    back.send(new MqttPacket.PubReply(PacketType.PUBREC, again.packetId()));
    assertThat(back.read()).isEqualTo(new MqttPacket.PubReply(PacketType.PUBREL, again.packetId()));
    back.close();
    // After PUBREC only PUBREL is resent, never the message.
    RawClient third = client("d-q2", MqttVersion.V5, 300, false);
    assertThat(third.read()).isEqualTo(new MqttPacket.PubReply(PacketType.PUBREL, again.packetId()));
    third.send(new MqttPacket.PubReply(PacketType.PUBCOMP, again.packetId()));
    third.assertNothingMoreBeforePing();
    third.send(new MqttPacket.Disconnect(0, sessionExpiry(0)));
    third.close();
  }

  static Properties sessionExpiry(long s) {
    Properties p = new Properties();
    p.sessionExpiryInterval = s;
    return p;
  }

  @Test
  void inboundQos2ResendIsRoutedOnce() throws IOException {
    try (RawClient sub = client("d-once", MqttVersion.V5, 0, true);
        RawClient pub = client("d-once-pub", MqttVersion.V5, 0, true)) {
      subscribe(sub, 0, new MqttPacket.Subscription("public/d/once", 0));
      pub.send(new MqttPacket.Publish("public/d/once", 2, false, 5, "1".getBytes()));
      assertThat(pub.read().type()).isEqualTo(PacketType.PUBREC);
      pub.send(new MqttPacket.Publish("public/d/once", 2, false, true, 5, dev.parley.mqtt.codec.MessageProps.NONE,
          "1".getBytes(), 0, MqttPacket.Publish.NO_IDS));
      assertThat(pub.read().type()).isEqualTo(PacketType.PUBREC);
      pub.send(new MqttPacket.PubReply(PacketType.PUBREL, 5));
      assertThat(pub.read().type()).isEqualTo(PacketType.PUBCOMP);
      assertThat(new String(((MqttPacket.Publish) sub.read()).payload())).isEqualTo("1");
      // A marker from the same publisher comes after anything the resend could have routed.
      pub.send(new MqttPacket.Publish("public/d/once", 0, false, 0, "marker".getBytes()));
      assertThat(new String(((MqttPacket.Publish) sub.read()).payload())).isEqualTo("marker");
    }
  }

  @Test
  void overlappingSubscriptionsGiveOneCopyWithEveryIdentifierAndNoLocalHolds() throws IOException {
    try (RawClient c = client("d-ids", MqttVersion.V5, 0, true)) {
      subscribe(c, 11, new MqttPacket.Subscription("public/d/ids/#", 0));
      subscribe(c, 12, new MqttPacket.Subscription("public/d/ids/+", 1));
      subscribe(c, 13, new MqttPacket.Subscription("public/d/ids/mine", 1, true, false, 0));
      c.send(new MqttPacket.Publish("public/d/ids/x", 1, false, 1, "a".getBytes()));
      MqttPacket first = c.read();
      MqttPacket second = c.read();
      MqttPacket.Publish p = (MqttPacket.Publish) (first instanceof MqttPacket.Publish ? first : second);
      assertThat(p.qos()).isEqualTo(1);
      assertThat(p.subscriptionIds()).containsExactlyInAnyOrder(11, 12);
      c.send(new MqttPacket.PubReply(PacketType.PUBACK, p.packetId()));
      // Published by itself: only the two subscriptions without no-local deliver.
      c.send(new MqttPacket.Publish("public/d/ids/mine", 0, false, 0, "b".getBytes()));
      MqttPacket.Publish own = (MqttPacket.Publish) c.read();
      assertThat(new String(own.payload())).isEqualTo("b");
      assertThat(own.subscriptionIds()).containsExactlyInAnyOrder(11, 12);
      c.assertNothingMoreBeforePing();
    }
  }

  @Test
  void retainHandlingOneSendsRetainedOnlyForANewSubscription() throws IOException {
    try (RawClient c = client("d-rh", MqttVersion.V5, 0, true)) {
      c.send(new MqttPacket.Publish("public/d/rh", 1, true, 1, "kept".getBytes()));
      assertThat(c.read().type()).isEqualTo(PacketType.PUBACK);
      MqttPacket.Subscription rh1 = new MqttPacket.Subscription("public/d/rh", 0, false, false, 1);
      subscribe(c, 0, rh1);
      MqttPacket.Publish r = (MqttPacket.Publish) c.read();
      assertThat(r.retain()).isTrue();
      subscribe(c, 0, rh1);
      c.assertNothingMoreBeforePing();
      c.send(new MqttPacket.Unsubscribe(3, List.of("public/d/rh", "public/d/none"), Properties.NONE));
      MqttPacket.UnsubAck u = (MqttPacket.UnsubAck) c.read();
      assertThat(u.reasonCodes()).containsExactly(ReasonCode.SUCCESS, ReasonCode.NO_SUBSCRIPTION_EXISTED);
    }
  }

  @Test
  void sessionExpiryZeroAtConnectCannotBeRaisedAtDisconnect() throws IOException {
    try (RawClient c = client("d-exp0", MqttVersion.V5, 0, true)) {
      c.send(new MqttPacket.Disconnect(0, sessionExpiry(60)));
      assertThat(((MqttPacket.Disconnect) c.readUntilClosed()).reasonCode()).isEqualTo(ReasonCode.PROTOCOL_ERROR);
    }
  }

  @Test
  void delayedWillGoesOutAfterItsDelayWhenTheClientStaysAway() throws IOException {
    try (RawClient watcher = client("d-will-watch", MqttVersion.V5, 0, true);
        RawClient marker = client("d-will-marker", MqttVersion.V5, 0, true)) {
      subscribe(watcher, 0, new MqttPacket.Subscription("public/d/will/#", 1));
      RawClient c = new RawClient(server.port("mqtt"), MqttVersion.V5);
      c.send(new MqttPacket.Connect(MqttVersion.V5, true, 60, sessionExpiry(60), "d-willer",
          new MqttPacket.Will("public/d/will/status", "gone".getBytes(), 1, false,
              dev.parley.mqtt.codec.MessageProps.NONE, 30), null, null));
      assertThat(((MqttPacket.ConnAck) c.read()).reasonCode()).isZero();
      c.close();
      MqttServer.awaitOffline(server, "d-willer");
      time.advance(Duration.ofSeconds(30).minusMillis(1));
      // Published after the point where the will would have been: it comes first, the will not at all.
      marker.send(new MqttPacket.Publish("public/d/will/marker", 0, false, 0, "m1".getBytes()));
      assertThat(new String(((MqttPacket.Publish) watcher.read()).payload())).isEqualTo("m1");
      time.advance(Duration.ofMillis(1));
      MqttPacket.Publish will = (MqttPacket.Publish) watcher.read();
      assertThat(will.topic()).isEqualTo("public/d/will/status");
      assertThat(new String(will.payload())).isEqualTo("gone");
      watcher.send(new MqttPacket.PubReply(PacketType.PUBACK, will.packetId()));
    }
  }

  @Test
  void sessionExpiresAfterItsInterval() throws IOException {
    try (RawClient c = client("d-expiring", MqttVersion.V5, 5, true)) {
      subscribe(c, 0, new MqttPacket.Subscription("public/d/exp", 1));
    }
    MqttServer.awaitOffline(server, "d-expiring");
    time.advance(Duration.ofSeconds(5).minusMillis(1));
    assertThat(MqttServer.broker(server).session("d-expiring")).isNotNull();
    // advance runs the expiry on the session's loop and waits for it.
    time.advance(Duration.ofMillis(1));
    assertThat(MqttServer.broker(server).session("d-expiring")).isNull();
    try (RawClient back = new RawClient(server.port("mqtt"), MqttVersion.V5)) {
      assertThat(back.connect("d-expiring", false, sessionExpiry(5)).sessionPresent()).isFalse();
    }
  }

  @Test
  void anotherUserCannotTakeASessionOverByItsClientId() throws IOException {
    try (RawClient alice = new RawClient(server.port("mqtt"), MqttVersion.V5);
        RawClient mallory = new RawClient(server.port("mqtt"), MqttVersion.V5)) {
      alice.send(new MqttPacket.Connect(MqttVersion.V5, true, 60, Properties.NONE, "alice-laptop", null, "alice",
          server.token("alice").getBytes(StandardCharsets.UTF_8)));
      assertThat(((MqttPacket.ConnAck) alice.read()).reasonCode()).isZero();
      mallory.send(new MqttPacket.Connect(MqttVersion.V5, false, 60, Properties.NONE, "alice-laptop", null, "mallory",
          server.token("mallory").getBytes(StandardCharsets.UTF_8)));
      assertThat(((MqttPacket.ConnAck) mallory.read()).reasonCode()).isEqualTo(ReasonCode.NOT_AUTHORIZED);
      alice.send(MqttPacket.PingReq.INSTANCE);
      assertThat(alice.read()).isEqualTo(MqttPacket.PingResp.INSTANCE);
    }
  }

  @Test
  void offlineImMessageIsPushedToTheUsersTopic() throws IOException {
    RawClient device = new RawClient(server.port("mqtt"), MqttVersion.V5);
    Properties p = new Properties();
    p.sessionExpiryInterval = 3600L;
    device.send(new MqttPacket.Connect(MqttVersion.V5, true, 60, p, "alice-phone", null, "alice",
        server.token("alice").getBytes(StandardCharsets.UTF_8)));
    assertThat(((MqttPacket.ConnAck) device.read()).reasonCode()).isZero();
    subscribe(device, 0, new MqttPacket.Subscription("users/alice/#", 1));
    device.close();

    OfflineDeliveryHook hook = server.kernel().context().services().all(OfflineDeliveryHook.class).get(0);
    assertThat(hook).isInstanceOf(MqttPushHook.class);
    Message m = Message.newBuilder().setConversation("u:alice:bob").setSeq(7).setSender("bob").setClientId("c-1")
        .setTimestamp(1_700_000_000_000L).setKind(MessageKind.MESSAGE_KIND_TEXT).setText("hi alice").build();
    hook.onOfflineMessage("alice", m);

    try (RawClient back = new RawClient(server.port("mqtt"), MqttVersion.V5)) {
      back.send(new MqttPacket.Connect(MqttVersion.V5, false, 60, p, "alice-phone", null, "alice",
          server.token("alice").getBytes(StandardCharsets.UTF_8)));
      assertThat(((MqttPacket.ConnAck) back.read()).sessionPresent()).isTrue();
      MqttPacket.Publish push = (MqttPacket.Publish) back.read();
      assertThat(push.topic()).isEqualTo("users/alice/messages");
      assertThat(push.qos()).isEqualTo(1);
      assertThat(push.props().contentType()).isEqualTo("application/json");
      String json = new String(push.payload(), StandardCharsets.UTF_8);
      Message.Builder parsed = Message.newBuilder();
      com.google.protobuf.util.JsonFormat.parser().merge(json, parsed);
      assertThat(parsed.build()).isEqualTo(m);
      back.send(new MqttPacket.PubReply(PacketType.PUBACK, push.packetId()));
      back.send(new MqttPacket.Disconnect(0, sessionExpiry(0)));
    }
  }
}
