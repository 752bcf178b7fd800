package dev.parley.mqtt.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import dev.parley.core.testing.ManualTime;
import dev.parley.core.testing.TestKernel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Records the seed corpus of {@code MqttDecoderFuzzTest}: real traffic of mosquitto_sub and
 * mosquitto_pub (3.1.1 and 5: QoS 0, 1 and 2, wills, properties, retained messages and their
 * clearing, topic aliases, subscription identifiers), Paho 3.1.1, Paho 5 and the HiveMQ client
 * against this broker, through a {@link RecordingProxy}. Each connection gives two files: what the
 * client sent ({@code -to-broker}, mode byte 0x00: decoded as the broker, level from CONNECT) and
 * what the broker sent ({@code -to-client}, mode 0x06 for 3.1.1 and 0x07 for 5: decoded as a
 * client at that level).
 *
 * <p>A tool, not a test: it runs only when given the directory to write to,
 * {@code mvn -pl parley-mqtt -am test -Dtest=CorpusRecorder -Dsurefire.failIfNoSpecifiedTests=false
 * -Dmqtt.record-corpus=src/test/resources/dev/parley/mqtt/codec/MqttDecoderFuzzTestInputs/anyBytesDecodeOrFailCleanly}
 * (relative to parley-mqtt). mosquitto_pub and mosquitto_sub must be installed.
 */
@EnabledIfSystemProperty(named = "mqtt.record-corpus", matches = ".+")
class CorpusRecorder {
  private static final int TO_BROKER = 0x00;
  private static final int TO_CLIENT_V3 = 0x06;
  private static final int TO_CLIENT_V5 = 0x07;

  TestKernel server;
  Path out;

  @Test
  void record() throws Exception {
    out = Path.of(System.getProperty("mqtt.record-corpus"));
    Files.createDirectories(out);
    try (TestKernel k = MqttServer.start(new ManualTime(), Map.of())) {
      server = k;
      mosquitto(false);
      mosquitto(true);
      pahoV3();
      pahoV5();
      hiveMq();
    }
  }

  private void mosquitto(boolean v5) throws Exception {
    String level = v5 ? "5" : "311";
    String v = v5 ? "mqttv5" : "mqttv311";
    String topics = "public/corpus/" + level;
    try (RecordingProxy subProxy = new RecordingProxy(server.port("mqtt"))) {
      List<String> sub = new ArrayList<>(List.of("mosquitto_sub", "-h", "127.0.0.1", "-p", "" + subProxy.port(),
          "-V", v, "-i", "corpus-sub-" + level, "-q", "2", "-t", topics + "/#", "-C", "4", "-W", "30", "-v"));
      if (v5) {
        sub.addAll(List.of("-c", "-x", "300", "-D", "connect", "receive-maximum", "20", "-D", "connect",
            "topic-alias-maximum", "10", "-D", "connect", "maximum-packet-size", "100000", "-D", "connect",
            "user-property", "client", "mosquitto", "-D", "subscribe", "subscription-identifier", "7"));
      }
      int before = MqttServer.broker(server).subscriptions().size();
      Process subscriber = new ProcessBuilder(sub).redirectErrorStream(true).start();
      Awaitility.await().atMost(Duration.ofSeconds(10))
          .until(() -> MqttServer.broker(server).subscriptions().size() == before + 1);
      pub(v5, "qos0" + (v5 ? "-topic-alias" : ""), List.of("-V", v, "-q", "0", "-t", topics + "/q0", "-m", "qos 0"),
          v5 ? List.of("-D", "publish", "topic-alias", "1") : List.of());
      pub(v5, "qos1-" + (v5 ? "properties" : "will"), List.of("-V", v, "-q", "1", "-t", topics + "/q1", "-m",
          "{\"t\":21.5}", "--will-topic", topics + "/will", "--will-payload", "gone", "--will-qos", "1"),
          v5 ? List.of("-D", "publish", "content-type", "application/json", "-D", "publish",
              "payload-format-indicator", "1", "-D", "publish", "message-expiry-interval", "3600", "-D", "publish",
              "response-topic", topics + "/reply", "-D", "publish", "correlation-data", "2a", "-D", "publish",
              "user-property", "unit", "celsius") : List.of());
      pub(v5, "qos2-retained-will" + (v5 ? "-delay" : "-retained"), List.of("-V", v, "-q", "2", "-r", "-t",
          topics + "/retained", "-m", "kept", "--will-topic", topics + "/will", "--will-payload", "gone",
          "--will-qos", "2", "--will-retain"),
          v5 ? List.of("-x", "60", "-D", "will", "will-delay-interval", "10", "-D", "will", "content-type",
              "text/plain", "-D", "will", "user-property", "k", "v") : List.of());
      pub(v5, "clear-retained", List.of("-V", v, "-q", "1", "-r", "-n", "-t", topics + "/retained"), List.of());
      assertThat(subscriber.waitFor(30, TimeUnit.SECONDS)).as("mosquitto_sub got its 4 messages").isTrue();
      save("mosquitto-sub-v" + level + "-qos2" + (v5 ? "-session-properties-subscription-id" : ""),
          subProxy.recordings().get(0), v5);
    }
  }

  private void pub(boolean v5, String what, List<String> args, List<String> v5Args) throws Exception {
    try (RecordingProxy proxy = new RecordingProxy(server.port("mqtt"))) {
      List<String> cmd = new ArrayList<>(List.of("mosquitto_pub", "-h", "127.0.0.1", "-p", "" + proxy.port()));
      cmd.addAll(args);
      cmd.addAll(v5Args);
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as(String.join(" ", cmd) + ": " + output).isZero();
      save("mosquitto-pub-v" + (v5 ? "5" : "311") + "-" + what, proxy.recordings().get(0), v5);
    }
  }

  private void pahoV3() throws Exception {
    try (RecordingProxy proxy = new RecordingProxy(server.port("mqtt"))) {
      var c = new org.eclipse.paho.client.mqttv3.MqttClient("tcp://127.0.0.1:" + proxy.port(), "corpus-paho3",
          new MemoryPersistence());
      MqttConnectOptions o = new MqttConnectOptions();
      o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
      o.setCleanSession(false);
      o.setWill("public/corpus/paho3/will", "gone".getBytes(), 1, true);
      c.connect(o);
      Received<String> got = new Received<>();
      c.subscribe("public/corpus/paho3/#", 2, (t, m) -> got.add(new String(m.getPayload(), StandardCharsets.UTF_8)));
      for (int qos = 0; qos <= 2; qos++) {
        c.publish("public/corpus/paho3/q" + qos, ("paho qos " + qos).getBytes(), qos, qos == 1);
      }
      got.await(3);
      c.unsubscribe("public/corpus/paho3/#");
      c.disconnect();
      c.close();
      save("paho-v311-session-qos012-will-unsubscribe", proxy.recordings().get(0), false);
    }
  }

  private void pahoV5() throws Exception {
    try (RecordingProxy proxy = new RecordingProxy(server.port("mqtt"))) {
      var c = new org.eclipse.paho.mqttv5.client.MqttClient("tcp://127.0.0.1:" + proxy.port(), "corpus-paho5",
          new org.eclipse.paho.mqttv5.client.persist.MemoryPersistence());
      MqttConnectionOptions o = new MqttConnectionOptions();
      o.setCleanStart(true);
      o.setSessionExpiryInterval(120L);
      o.setTopicAliasMaximum(4);
      o.setReceiveMaximum(16);
      o.setWill("public/corpus/paho5/will", new MqttMessage("gone".getBytes(), 1, false, null));
      MqttProperties wp = new MqttProperties();
      wp.setWillDelayInterval(5L);
      o.setWillMessageProperties(wp);
      PahoV5InteropTest.Collector got = new PahoV5InteropTest.Collector();
      c.setCallback(got);
      c.connect(o);
      MqttSubscription s = new MqttSubscription("public/corpus/paho5/#", 2);
      s.setRetainAsPublished(true);
      c.subscribe(new MqttSubscription[] {s});
      for (int qos = 0; qos <= 2; qos++) {
        MqttMessage m = new MqttMessage(("paho qos " + qos).getBytes(), qos, qos == 2, null);
        MqttProperties p = new MqttProperties();
        p.setContentType("text/plain");
        p.setUserProperties(List.of(new UserProperty("n", "" + qos)));
        p.setMessageExpiryInterval(600L);
        m.setProperties(p);
        c.publish("public/corpus/paho5/q" + qos, m);
      }
      got.messages.await(3);
      c.unsubscribe("public/corpus/paho5/#");
      c.disconnect();
      c.close();
      save("paho-v5-session-qos012-properties-will-delay", proxy.recordings().get(0), true);
    }
  }

  private void hiveMq() throws Exception {
    try (RecordingProxy proxy = new RecordingProxy(server.port("mqtt"))) {
      Mqtt5BlockingClient c = Mqtt5Client.builder().identifier("corpus-hivemq").serverHost("127.0.0.1")
          .serverPort(proxy.port()).buildBlocking();
      c.connectWith().sessionExpiryInterval(300).restrictions().topicAliasMaximum(8).applyRestrictions()
          .willPublish().topic("public/corpus/hivemq/will").payload("gone".getBytes()).qos(MqttQos.AT_LEAST_ONCE)
          .delayInterval(5).applyWillPublish().send();
      try (Mqtt5BlockingClient.Mqtt5Publishes ps = c.publishes(com.hivemq.client.mqtt.MqttGlobalPublishFilter.ALL)) {
        c.subscribeWith().topicFilter("public/corpus/hivemq/#").qos(MqttQos.EXACTLY_ONCE).noLocal(false).send();
        for (MqttQos qos : MqttQos.values()) {
          c.publishWith().topic("public/corpus/hivemq/same").qos(qos).payload(("hivemq " + qos).getBytes())
              .contentType("text/plain").userProperties().add("qos", qos.name()).applyUserProperties().send();
        }
        for (int i = 0; i < 3; i++) {
          Mqtt5Publish p = ps.receive(10, TimeUnit.SECONDS).orElseThrow();
          assertThat(p.getTopic().toString()).isEqualTo("public/corpus/hivemq/same");
        }
      }
      c.unsubscribeWith().topicFilter("public/corpus/hivemq/#").send();
      c.disconnect();
      save("hivemq-v5-session-qos012-topic-aliases-will-delay", proxy.recordings().get(0), true);
    }
  }

  private void save(String name, RecordingProxy.Recording r, boolean v5) throws IOException, InterruptedException {
    r.awaitClosed();
    write(name + "-to-broker", TO_BROKER, r.fromClient());
    write(name + "-to-client", v5 ? TO_CLIENT_V5 : TO_CLIENT_V3, r.fromServer());
  }

  private void write(String name, int mode, byte[] bytes) throws IOException {
    assertThat(bytes).as(name).isNotEmpty();
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(mode);
    b.write(bytes);
    Files.write(out.resolve(name), b.toByteArray());
  }
}
