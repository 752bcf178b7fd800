package dev.parley.mqtt.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.parley.core.testing.TestKernel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Eclipse Paho's MQTT 3.1.1 client against the broker, over TCP and over WebSocket. */
class PahoV3InteropTest {
  static TestKernel server;
  final List<MqttClient> clients = new ArrayList<>();

  @BeforeAll
  static void start() {
    server = MqttServer.start(Map.of("mqtt.acl", List.of("allow all any public/#", "allow all any $app/#", "allow subscribe anonymous #",
        "allow subscribe authenticated users/{userId}/#")));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static String uri(String transport) {
    return transport.equals("ws") ? MqttServer.ws(server) : MqttServer.tcp(server);
  }

  static MqttClient client(String transport, String id) throws MqttException {
    return new MqttClient(uri(transport), id, new MemoryPersistence());
  }

  static MqttConnectOptions options(boolean clean) {
    MqttConnectOptions o = new MqttConnectOptions();
    o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
    o.setCleanSession(clean);
    o.setAutomaticReconnect(false);
    o.setConnectionTimeout(5);
    return o;
  }

  static MqttClient connected(String transport, String id, boolean clean) throws MqttException {
    MqttClient c = client(transport, id);
    c.connect(options(clean));
    return c;
  }

  static void close(MqttClient c) {
    try {
      if (c.isConnected()) {
        c.disconnect(1000);
      }
      c.close(true);
    } catch (MqttException e) {
      // Already gone.
    }
  }

  static String text(MqttMessage m) {
    return new String(m.getPayload(), StandardCharsets.UTF_8);
  }

  @ParameterizedTest
  @ValueSource(strings = {"tcp", "ws"})
  void everyQosArrivesInOrder(String transport) throws Exception {
    MqttClient sub = connected(transport, "v3-sub-" + transport, true);
    MqttClient pub = connected(transport, "v3-pub-" + transport, true);
    try {
      Received<String> got = new Received<>();
      sub.subscribe("public/v3/" + transport + "/+", 2, (topic, m) -> got.add(topic + "=" + text(m) + "@" + m.getQos()));
      for (int qos = 0; qos <= 2; qos++) {
        for (int i = 0; i < 20; i++) {
          pub.publish("public/v3/" + transport + "/q" + qos, ("m" + i).getBytes(), qos, false);
        }
      }
      List<String> all = got.await(60);
      for (int qos = 0; qos <= 2; qos++) {
        String prefix = "public/v3/" + transport + "/q" + qos + "=";
        List<String> ofQos = all.stream().filter(s -> s.startsWith(prefix)).toList();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
          expected.add(prefix + "m" + i + "@" + qos);
        }
        assertThat(ofQos).containsExactlyElementsOf(expected);
      }
    } finally {
      close(sub);
      close(pub);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"tcp", "ws"})
  void retainedMessageReachesLateSubscribersUntilClearedByAnEmptyPayload(String transport) throws Exception {
    MqttClient pub = connected(transport, "v3-rpub-" + transport, true);
    String topic = "public/retained/" + transport;
    try {
      pub.publish(topic, "kept".getBytes(), 1, true);
      MqttClient late = connected(transport, "v3-late-" + transport, true);
      Received<MqttMessage> got = new Received<>();
      late.subscribe("public/retained/#", 1, (t, m) -> got.add(m));
      MqttMessage m = got.awaitMatch(x -> text(x).equals("kept"));
      assertThat(m.isRetained()).isTrue();
      close(late);

      pub.publish(topic, new byte[0], 1, true);
      MqttClient later = connected(transport, "v3-later-" + transport, true);
      Received<MqttMessage> none = new Received<>();
      later.subscribe(topic, 1, (t, x) -> none.add(x));
      pub.publish("public/retained/marker-" + transport, "marker".getBytes(), 1, false);
      later.subscribe("public/retained/marker-" + transport, 1, (t, x) -> none.add(x));
      pub.publish("public/retained/marker-" + transport, "marker".getBytes(), 1, false);
      none.awaitMatch(x -> text(x).equals("marker"));
      assertThat(none.all()).noneMatch(x -> text(x).equals("kept"));
      close(later);
    } finally {
      close(pub);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"tcp", "ws"})
  void willIsPublishedWhenTheConnectionDropsButNotOnDisconnect(String transport) throws Exception {
    MqttClient watcher = connected(transport, "v3-watch-" + transport, true);
    Received<String> wills = new Received<>();
    watcher.subscribe("public/will/" + transport + "/#", 1, (t, m) -> wills.add(t + "=" + text(m)));
    try {
      MqttClient polite = client(transport, "v3-polite-" + transport);
      MqttConnectOptions o = options(true);
      o.setWill("public/will/" + transport + "/polite", "gone".getBytes(), 1, false);
      polite.connect(o);
      polite.disconnect();
      polite.close();

      MqttClient dropped = client(transport, "v3-dropped-" + transport);
      MqttConnectOptions o2 = options(true);
      o2.setWill("public/will/" + transport + "/dropped", "lost".getBytes(), 1, false);
      dropped.connect(o2);
      dropped.disconnectForcibly(0, 100, false);
      dropped.close(true);

      wills.awaitMatch(s -> s.endsWith("/dropped=lost"));
      assertThat(wills.all()).noneMatch(s -> s.contains("polite"));
    } finally {
      close(watcher);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"tcp", "ws"})
  void persistentSessionKeepsQos1MessagesWhileOffline(String transport) throws Exception {
    String id = "v3-persist-" + transport;
    MqttClient sub = connected(transport, id, false);
    sub.subscribe("public/persist/" + transport, 1);
    sub.disconnect();
    sub.close();
    MqttClient pub = connected(transport, "v3-ppub-" + transport, true);
    for (int i = 0; i < 5; i++) {
      pub.publish("public/persist/" + transport, ("p" + i).getBytes(), 1, false);
    }
    close(pub);
    MqttClient back = client(transport, id);
    Received<String> got = new Received<>();
    back.setCallback(new Callback(got));
    back.connect(options(false));
    try {
      assertThat(got.await(5)).containsExactly("p0", "p1", "p2", "p3", "p4");
    } finally {
      back.disconnect();
      back.close();
      connected(transport, id, true).disconnect();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"tcp", "ws"})
  void sameClientIdTakesTheSessionOver(String transport) throws Exception {
    String id = "v3-takeover-" + transport;
    MqttClient first = client(transport, id);
    Received<Throwable> lost = new Received<>();
    first.setCallback(new Callback(new Received<>()) {
      @Override
      public void connectionLost(Throwable cause) {
        lost.add(cause);
      }
    });
    first.connect(options(true));
    MqttClient second = connected(transport, id, true);
    try {
      lost.await(1);
      assertThat(second.isConnected()).isTrue();
      await().atMost(Duration.ofSeconds(5)).until(() -> !first.isConnected());
    } finally {
      close(second);
      first.close(true);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"tcp", "ws"})
  void rootWildcardsSkipDollarTopics(String transport) throws Exception {
    MqttClient sub = connected(transport, "v3-dollar-" + transport, true);
    MqttClient appSub = connected(transport, "v3-dollar-app-" + transport, true);
    MqttClient pub = connected(transport, "v3-dpub-" + transport, true);
    try {
      Received<String> all = new Received<>();
      Received<String> app = new Received<>();
      // Separate clients: Paho matches topics again on its side and knows no '$' rule.
      sub.subscribe("#", 1, (t, m) -> all.add(t));
      appSub.subscribe("$app/+", 1, (t, m) -> app.add(t));
      pub.publish("$app/x", "d".getBytes(), 1, false);
      pub.publish("public/dollar/" + transport, "p".getBytes(), 1, false);
      app.awaitMatch(t -> t.equals("$app/x"));
      all.awaitMatch(t -> t.equals("public/dollar/" + transport));
      assertThat(all.all()).doesNotContain("$app/x");
    } finally {
      close(appSub);
      close(sub);
      close(pub);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"tcp", "ws"})
  void tokenAuthenticatedUserSubscribesToItsOwnPushTopicOnly(String transport) throws Exception {
    MqttClient c = client(transport, "v3-user-" + transport);
    MqttConnectOptions o = options(true);
    o.setUserName("alice");
    o.setPassword(server.token("alice").toCharArray());
    c.connect(o);
    try {
      int[] granted = c.subscribeWithResponse(new String[] {"users/alice/#", "users/bob/#"}, new int[] {1, 1})
          .getGrantedQos();
      assertThat(granted).containsExactly(1, 0x80);
    } finally {
      close(c);
    }
    MqttClient bad = client(transport, "v3-bad-" + transport);
    MqttConnectOptions wrong = options(true);
    wrong.setUserName("alice");
    wrong.setPassword("not-a-token".toCharArray());
    assertThatThrownBy(() -> bad.connect(wrong)).isInstanceOf(MqttException.class)
        .satisfies(e -> assertThat(((MqttException) e).getReasonCode())
            .isEqualTo((int) MqttException.REASON_CODE_FAILED_AUTHENTICATION));
    bad.close(true);
  }

  /** Collects message payloads delivered outside per-subscription listeners (restored sessions). */
  static class Callback implements MqttCallback {
    private final Received<String> got;

    Callback(Received<String> got) {
      this.got = got;
    }

    @Override
    public void connectionLost(Throwable cause) {}

    @Override
    public void messageArrived(String topic, MqttMessage message) {
      got.add(text(message));
    }

    @Override
    public void deliveryComplete(IMqttDeliveryToken token) {}
  }
}
