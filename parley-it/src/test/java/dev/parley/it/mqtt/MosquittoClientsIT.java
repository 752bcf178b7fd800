package dev.parley.it.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.core.testing.TestKernel;
import dev.parley.mqtt.MqttModule;
import dev.parley.mqtt.broker.Broker;
import dev.parley.mqtt.session.SubscriptionEntry;
import dev.parley.mqtt.topic.SubscriptionTrie;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * mosquitto_pub and mosquitto_sub (Debian package mosquitto-clients) against the broker, MQTT
 * 3.1.1 and 5: QoS 0/1/2, retained messages, token authentication and will messages.
 */
class MosquittoClientsIT {
  static TestKernel server;
  final List<Process> started = new ArrayList<>();

  @BeforeAll
  static void start() {
    server = TestKernel.builder(() -> List.of(new MqttModule())).start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @AfterEach
  void killLeftovers() {
    for (Process p : started) {
      p.destroyForcibly();
    }
  }

  Process run(String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(args));
    cmd.addAll(List.of("-h", "127.0.0.1", "-p", String.valueOf(server.port("mqtt"))));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    started.add(p);
    return p;
  }

  static String output(Process p) throws Exception {
    assertThat(p.waitFor(20, TimeUnit.SECONDS)).as("process finished").isTrue();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }

  /** Runs mosquitto_sub as {@code clientId} on {@code topic} and waits until the broker holds its subscription. */
  Process subscribe(String clientId, String topic, String... args) throws IOException {
    SubscriptionTrie<SubscriptionEntry> trie =
        server.kernel().context().services().first(Broker.class).orElseThrow().subscriptions();
    List<String> cmd = new ArrayList<>(List.of("mosquitto_sub", "-i", clientId, "-t", topic));
    cmd.addAll(List.of(args));
    Process p = run(cmd.toArray(String[]::new));
    await().atMost(Duration.ofSeconds(20)).until(() -> subscribed(trie, clientId, topic) || !p.isAlive());
    return p;
  }

  private static boolean subscribed(SubscriptionTrie<SubscriptionEntry> trie, String clientId, String topic) {
    boolean[] found = new boolean[1];
    trie.match(topic, new SubscriptionTrie.Visitor<>() {
      @Override
      public void subscriber(SubscriptionEntry e) {
        found[0] |= e.session().clientId().equals(clientId) && e.session().connected();
      }

      @Override
      public void shared(SubscriptionTrie.SharedGroup<SubscriptionEntry> group) {}
    });
    return found[0];
  }

  @ParameterizedTest
  @ValueSource(strings = {"mqttv311", "mqttv5"})
  void publishAndSubscribeAtEveryQos(String version) throws Exception {
    for (int qos = 0; qos <= 2; qos++) {
      String topic = "public/e2e/" + version + "/" + qos;
      Process sub = subscribe("sub-" + version + qos, topic, "-V", version, "-q", String.valueOf(qos), "-C", "3");
      for (int i = 0; i < 3; i++) {
        output(run("mosquitto_pub", "-V", version, "-t", topic, "-q", String.valueOf(qos), "-m", "msg-" + i));
      }
      String out = output(sub);
      assertThat(out).contains("msg-0", "msg-1", "msg-2");
      assertThat(out.indexOf("msg-0")).isLessThan(out.indexOf("msg-1"));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"mqttv311", "mqttv5"})
  void retainedMessageWithTokenAuthentication(String version) throws Exception {
    String token = server.token("carol");
    output(run("mosquitto_pub", "-V", version, "-t", "public/e2e/retained-" + version, "-r", "-q", "1",
        "-m", "sticky", "-u", "carol", "-P", token));
    String out = output(run("mosquitto_sub", "-V", version, "-t", "public/e2e/retained-" + version, "-C", "1",
        "-u", "carol", "-P", token));
    assertThat(out.trim()).isEqualTo("sticky");
    Process denied = run("mosquitto_sub", "-V", version, "-t", "users/carol/x", "-C", "1", "-u", "carol",
        "-P", "wrong-token");
    assertThat(denied.waitFor(20, TimeUnit.SECONDS)).isTrue();
    assertThat(denied.exitValue()).isNotZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"mqttv311", "mqttv5"})
  void willOfAKilledClientIsPublished(String version) throws Exception {
    String topic = "public/e2e/will-" + version;
    Process watcher = subscribe("watch-" + version, topic, "-V", version, "-C", "1");
    Process victim = subscribe("victim-" + version, "public/e2e/idle", "-V", version,
        "--will-topic", topic, "--will-payload", "died", "--will-qos", "1");
    victim.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    assertThat(output(watcher)).contains("died");
  }
}
