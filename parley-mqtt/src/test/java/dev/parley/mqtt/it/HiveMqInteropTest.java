package dev.parley.mqtt.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientBuilder;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAck;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;
import dev.parley.core.testing.ManualTime;
import dev.parley.core.testing.TestKernel;
import dev.parley.mqtt.MqttModule;
import dev.parley.mqtt.codec.MqttPacket;
import dev.parley.mqtt.codec.MqttVersion;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The HiveMQ MQTT client (MQTT 5) against the broker, over TCP and over WebSocket. The client
 * hides topic aliases and subscription identifiers (it sets and resolves them itself), so the
 * tests that are about them put a {@link RecordingProxy} between client and broker and read the
 * packets on the wire with Netty's codec.
 */
class HiveMqInteropTest {
  final ManualTime clock = new ManualTime();
  TestKernel server;
  RecordingProxy proxy;
  final List<Mqtt5BlockingClient> clients = new ArrayList<>();

  @BeforeEach
  void start() {
    server = TestKernel.builder(() -> List.of(new MqttModule())).time(clock)
        .set("mqtt.keep-alive.max", "120s").set("mqtt.auth.devices", List.of("meter-7:s3cret")).start();
  }

  @AfterEach
  void stop() throws java.io.IOException {
    for (Mqtt5BlockingClient c : clients) {
      if (c.getState().isConnected()) {
        c.disconnect();
      }
    }
    if (proxy != null) {
      proxy.close();
    }
    server.close();
  }

  Mqtt5BlockingClient client(String transport, String id) {
    return client(transport, id, false);
  }

  /** A client; {@code recorded}: through a new {@link #proxy} that keeps what both sides send. */
  Mqtt5BlockingClient client(String transport, String id, boolean recorded) {
    Mqtt5ClientBuilder b = Mqtt5Client.builder().identifier(id).serverHost("127.0.0.1");
    int port = transport.equals("ws") ? server.httpPort() : server.port("mqtt");
    if (recorded) {
      try {
        proxy = new RecordingProxy(port);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      port = proxy.port();
    }
    b = b.serverPort(port);
    if (transport.equals("ws")) {
      b = b.webSocketConfig().serverPath("mqtt").applyWebSocketConfig();
    }
    Mqtt5BlockingClient c = b.buildBlocking();
    clients.add(c);
    return c;
  }

  static String text(Mqtt5Publish p) {
    return new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8);
  }

  static Mqtt5Publish next(Mqtt5BlockingClient.Mqtt5Publishes ps) throws InterruptedException {
    Optional<Mqtt5Publish> p = ps.receive(10, TimeUnit.SECONDS);
    assertThat(p).as("a message within 10 s").isPresent();
    return p.get();
  }

  /** What the recorded client sent (from its CONNECT on) or was sent, decoded by Netty's codec. */
  List<MqttPacket> wire(String transport, boolean fromClient) throws java.io.IOException {
    RecordingProxy.Recording r = proxy.recordings().get(0);
    return IndependentDecoder.decodeRecorded(fromClient ? r.fromClient() : r.fromServer(), MqttVersion.V5,
        transport.equals("ws"), fromClient);
  }

  /** The subscription identifier the client put on its SUBSCRIBE of {@code filter}. */
  static int subscriptionId(List<MqttPacket> fromClient, String filter) {
    return fromClient.stream().filter(p -> p instanceof MqttPacket.Subscribe).map(p -> (MqttPacket.Subscribe) p)
        .filter(s -> s.subscriptions().get(0).filter().equals(filter)).findFirst().orElseThrow().subscriptionId();
  }

  static List<MqttPacket.Publish> publishes(List<MqttPacket> fromServer) {
    return fromServer.stream().filter(p -> p instanceof MqttPacket.Publish).map(p -> (MqttPacket.Publish) p).toList();
  }

  static String text(MqttPacket.Publish p) {
    return new String(p.payload(), StandardCharsets.UTF_8);
  }

  @ParameterizedTest
  @ValueSource(strings = {"tcp", "ws"})
  void qos2WithSubscriptionIdentifiersAndTopicAliases(String transport) throws Exception {
    Mqtt5BlockingClient sub = client(transport, "hm-sub", true);
    Mqtt5ConnAck ack = sub.connectWith().keepAlive(0).restrictions().topicAliasMaximum(8).applyRestrictions().send();
    assertThat(ack.getServerKeepAlive()).hasValue(120);
    assertThat(ack.getRestrictions().getTopicAliasMaximum()).isPositive();
    try (Mqtt5BlockingClient.Mqtt5Publishes ps = sub.publishes(MqttGlobalPublishFilter.ALL)) {
      sub.subscribeWith().addSubscription().topicFilter("public/hm/#").qos(MqttQos.EXACTLY_ONCE).applySubscription()
          .userProperties().add("who", "test").applyUserProperties().send();
      sub.subscribeWith().addSubscription().topicFilter("public/hm/+/x").qos(MqttQos.AT_LEAST_ONCE).applySubscription()
          .send();
      Mqtt5BlockingClient pub = client(transport, "hm-pub");
      pub.connect();
      for (int i = 0; i < 5; i++) {
        pub.publishWith().topic("public/hm/a/x").qos(MqttQos.EXACTLY_ONCE).payload(("m" + i).getBytes()).send();
      }
      pub.publishWith().topic("public/hm/end").qos(MqttQos.EXACTLY_ONCE).payload("end".getBytes()).send();
      for (int i = 0; i < 5; i++) {
        Mqtt5Publish p = next(ps);
        assertThat(text(p)).isEqualTo("m" + i);
        // One copy for two overlapping subscriptions, at the higher QoS.
        assertThat(p.getQos()).isEqualTo(MqttQos.EXACTLY_ONCE);
        // The client resolved the topic from the alias the broker chose.
        assertThat(p.getTopic().toString()).isEqualTo("public/hm/a/x");
      }
      // Published last: nothing owed before it is still on its way.
      Mqtt5Publish end = next(ps);
      assertThat(text(end)).isEqualTo("end");
      assertThat(end.getTopic().toString()).isEqualTo("public/hm/end");
    }
    // On the wire: the client numbered its subscriptions, and each message names those it matched.
    List<MqttPacket> sent = wire(transport, true);
    int all = subscriptionId(sent, "public/hm/#");
    int x = subscriptionId(sent, "public/hm/+/x");
    assertThat(all).isPositive();
    assertThat(x).isPositive().isNotEqualTo(all);
    List<MqttPacket.Publish> got = publishes(wire(transport, false));
    assertThat(got).extracting(HiveMqInteropTest::text).containsExactly("m0", "m1", "m2", "m3", "m4", "end");
    for (MqttPacket.Publish p : got.subList(0, 5)) {
      assertThat(p.subscriptionIds()).as(text(p)).containsExactlyInAnyOrder(all, x);
    }
    assertThat(got.get(5).subscriptionIds()).containsExactly(all);
    // Topic aliases (the client allows 8): the topic once with its alias, then the alias alone.
    int alias = got.get(0).topicAlias();
    assertThat(alias).isPositive();
    assertThat(got.get(0).topic()).isEqualTo("public/hm/a/x");
    for (MqttPacket.Publish p : got.subList(1, 5)) {
      assertThat(p.topic()).as(text(p)).isEmpty();
      assertThat(p.topicAlias()).as(text(p)).isEqualTo(alias);
    }
    assertThat(got.get(5).topic()).isEqualTo("public/hm/end");
    assertThat(got.get(5).topicAlias()).isPositive().isNotEqualTo(alias);
  }

  @ParameterizedTest
  @ValueSource(strings = {"tcp", "ws"})
  void subscriptionIdentifiersComeBackWithMatchingMessages(String transport) throws Exception {
    Mqtt5BlockingClient sub = client(transport, "hm-ids", true);
    sub.connect();
    try (Mqtt5BlockingClient.Mqtt5Publishes ps = sub.publishes(MqttGlobalPublishFilter.ALL)) {
      sub.subscribeWith().topicFilter("public/ids/#").qos(MqttQos.AT_LEAST_ONCE).send();
      sub.subscribeWith().topicFilter("public/ids/2").qos(MqttQos.AT_LEAST_ONCE).send();
      Mqtt5BlockingClient pub = client(transport, "hm-ids-pub");
      pub.connect();
      pub.publishWith().topic("public/ids/1").qos(MqttQos.AT_LEAST_ONCE).payload("one".getBytes()).send();
      pub.publishWith().topic("public/ids/2").qos(MqttQos.AT_LEAST_ONCE).payload("two".getBytes()).send();
      pub.publishWith().topic("public/ids/end").qos(MqttQos.AT_LEAST_ONCE).payload("end".getBytes()).send();
      assertThat(text(next(ps))).isEqualTo("one");
      assertThat(text(next(ps))).isEqualTo("two");
      assertThat(text(next(ps))).isEqualTo("end");
    }
    List<MqttPacket> sent = wire(transport, true);
    int hash = subscriptionId(sent, "public/ids/#");
    int two = subscriptionId(sent, "public/ids/2");
    assertThat(hash).isPositive();
    assertThat(two).isPositive().isNotEqualTo(hash);
    List<MqttPacket.Publish> got = publishes(wire(transport, false));
    assertThat(got).extracting(HiveMqInteropTest::text).containsExactly("one", "two", "end");
    assertThat(got.get(0).subscriptionIds()).containsExactly(hash);
    assertThat(got.get(1).subscriptionIds()).containsExactlyInAnyOrder(hash, two);
    assertThat(got.get(2).subscriptionIds()).containsExactly(hash);
    // This client allows no topic aliases (HiveMQ's default): the broker uses none.
    assertThat(got).allMatch(p -> p.topicAlias() == 0 && !p.topic().isEmpty());
  }

  @ParameterizedTest
  @ValueSource(strings = {"tcp", "ws"})
  void expiredQueuedMessageIsNotDelivered(String transport) throws Exception {
    Mqtt5BlockingClient sub = client(transport, "hm-exp");
    sub.connectWith().cleanStart(true).sessionExpiryInterval(600).send();
    sub.subscribeWith().topicFilter("public/exp").qos(MqttQos.AT_LEAST_ONCE).send();
    sub.disconnect();
    Mqtt5BlockingClient pub = client(transport, "hm-exp-pub");
    pub.connect();
    pub.publishWith().topic("public/exp").qos(MqttQos.AT_LEAST_ONCE).payload("short".getBytes())
        .messageExpiryInterval(5).send();
    pub.publishWith().topic("public/exp").qos(MqttQos.AT_LEAST_ONCE).payload("long".getBytes())
        .messageExpiryInterval(3600).send();
    clock.advance(Duration.ofSeconds(10));
    try (Mqtt5BlockingClient.Mqtt5Publishes ps = sub.publishes(MqttGlobalPublishFilter.ALL)) {
      Mqtt5ConnAck ack = sub.connectWith().cleanStart(false).sessionExpiryInterval(600).send();
      assertThat(ack.isSessionPresent()).isTrue();
      Mqtt5Publish p = next(ps);
      assertThat(text(p)).isEqualTo("long");
      // The expiry interval left is sent: 3600 less the 10 s that passed.
      assertThat(p.getMessageExpiryInterval().getAsLong()).isEqualTo(3590L);
      // Published after the reconnect, so after anything the session still held: "short" is not there.
      pub.publishWith().topic("public/exp").qos(MqttQos.AT_LEAST_ONCE).payload("marker".getBytes()).send();
      assertThat(text(next(ps))).isEqualTo("marker");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"tcp", "ws"})
  void retainedWillWithRestartAndTakeover(String transport) throws Exception {
    Mqtt5BlockingClient device = client(transport, "hm-device");
    device.connectWith().sessionExpiryInterval(3600)
        .willPublish().topic("public/status/hm-device").payload("offline".getBytes()).qos(MqttQos.AT_LEAST_ONCE)
        .retain(true).applyWillPublish().send();
    device.subscribeWith().topicFilter("public/cmd/hm-device").qos(MqttQos.EXACTLY_ONCE).send();
    // Takeover by a second connection with the same id: session present, the will (no delay) goes out.
    Mqtt5BlockingClient again = client(transport, "hm-device");
    Mqtt5ConnAck ack = again.connectWith().cleanStart(false).sessionExpiryInterval(3600).send();
    assertThat(ack.isSessionPresent()).isTrue();
    Mqtt5BlockingClient watcher = client(transport, "hm-watch");
    watcher.connect();
    try (Mqtt5BlockingClient.Mqtt5Publishes ps = watcher.publishes(MqttGlobalPublishFilter.ALL)) {
      watcher.subscribeWith().topicFilter("public/status/+").qos(MqttQos.AT_LEAST_ONCE).send();
      Mqtt5Publish status = next(ps);
      assertThat(text(status)).isEqualTo("offline");
      assertThat(status.isRetain()).isTrue();
    }
    again.disconnect();
    Mqtt5BlockingClient cmd = client(transport, "hm-cmd");
    cmd.connect();
    cmd.publishWith().topic("public/cmd/hm-device").qos(MqttQos.EXACTLY_ONCE).payload("reboot".getBytes()).send();
    cmd.disconnect();

    server.restart();

    Mqtt5BlockingClient back = client(transport, "hm-device");
    try (Mqtt5BlockingClient.Mqtt5Publishes ps = back.publishes(MqttGlobalPublishFilter.ALL)) {
      Mqtt5ConnAck a = back.connectWith().cleanStart(false).sessionExpiryInterval(3600).send();
      assertThat(a.isSessionPresent()).isTrue();
      assertThat(text(next(ps))).isEqualTo("reboot");
    }
    Mqtt5BlockingClient late = client(transport, "hm-late");
    late.connect();
    try (Mqtt5BlockingClient.Mqtt5Publishes ps = late.publishes(MqttGlobalPublishFilter.ALL)) {
      late.subscribeWith().topicFilter("public/status/hm-device").send();
      assertThat(text(next(ps))).isEqualTo("offline");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"tcp", "ws"})
  void deviceCredentialsAndDenials(String transport) {
    Mqtt5BlockingClient device = client(transport, "hm-meter");
    device.connectWith().simpleAuth().username("meter-7").password("s3cret".getBytes()).applySimpleAuth().send();
    Mqtt5SubAck own = device.subscribeWith().topicFilter("users/meter-7/cmd").send();
    assertThat(own.getReasonCodes()).containsExactly(Mqtt5SubAckReasonCode.GRANTED_QOS_2);
    // HiveMQ reports an all-error SUBACK as an exception carrying it.
    assertThatThrownBy(() -> device.subscribeWith().topicFilter("users/meter-8/cmd").send())
        .isInstanceOfSatisfying(com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5SubAckException.class,
            e -> assertThat(e.getMqttMessage().getReasonCodes()).containsExactly(Mqtt5SubAckReasonCode.NOT_AUTHORIZED));
    Mqtt5BlockingClient wrong = client(transport, "hm-meter-bad");
    assertThatThrownBy(() -> wrong.connectWith().simpleAuth().username("meter-7").password("nope".getBytes())
        .applySimpleAuth().send())
        .isInstanceOfSatisfying(Mqtt5ConnAckException.class, e -> assertThat(e.getMqttMessage().getReasonCode())
            .isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD));
  }
}
