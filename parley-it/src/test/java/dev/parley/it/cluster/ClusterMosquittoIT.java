package dev.parley.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.core.testing.PostgresServer;
import dev.parley.core.testing.RedisServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * mosquitto_pub and mosquitto_sub (Debian's mosquitto-clients) against two Parley nodes (the jar,
 * as processes of their own) on one PostgreSQL and one Redis: a publish on one node reaches a
 * subscriber on the other at QoS 1 and 2 in order, a retained message set on one is served by the
 * other, and a persistent session left on one node with messages queued for it is taken up, with
 * those messages, when its client connects to the other.
 */
class ClusterMosquittoIT {
  static PostgresServer postgres;
  static RedisServer redis;
  static ParleyNode n1;
  static ParleyNode n2;
  final List<Process> started = new ArrayList<>();

  @BeforeAll
  static void cluster() {
    postgres = PostgresServer.started();
    redis = RedisServer.started();
    Map<String, String> shared = Map.of("cluster.enabled", "true", "cluster.redis.url", redis.url(),
        "store.postgres.url", postgres.createDatabase("parley_mosquitto"), "store.postgres.user", PostgresServer.USER,
        "auth.jwt.secret", "cluster-mosquitto-secret-cluster-mosquitto-0123");
    n1 = new ParleyNode("m1", shared);
    n2 = new ParleyNode("m2", shared);
    n1.start();
    n2.start();
  }

  @AfterAll
  static void stop() {
    n1.close();
    n2.close();
    redis.close();
    postgres.close();
  }

  @AfterEach
  void killLeftovers() {
    started.forEach(Process::destroyForcibly);
  }

  /** A mosquitto client on {@code node}, its output read line by line into {@code lines}. */
  Process run(ParleyNode node, List<String> lines, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(args));
    cmd.addAll(List.of("-h", "127.0.0.1", "-p", String.valueOf(node.mqtt())));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    started.add(p);
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          lines.add(line);
        }
      } catch (IOException ended) {
        // the process was killed
      }
    }, "mosquitto-output");
    reader.setDaemon(true);
    reader.start();
    return p;
  }

  /** Runs a client to its end, which must be a success; its output. */
  String finish(ParleyNode node, String... args) throws Exception {
    Process p = complete(node, args);
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertThat(p.exitValue()).as("%s: %s", List.of(args), out).isZero();
    return out;
  }

  /** Runs a client to its end; what it printed, however it ended (mosquitto_sub -W times out with 27). */
  String attempt(ParleyNode node, String... args) throws Exception {
    return new String(complete(node, args).getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
  }

  private Process complete(ParleyNode node, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(args));
    cmd.addAll(List.of("-h", "127.0.0.1", "-p", String.valueOf(node.mqtt())));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    started.add(p);
    assertThat(p.waitFor(20, TimeUnit.SECONDS)).as("%s finished", cmd).isTrue();
    return p;
  }

  /**
   * Publishes probes on {@code node} until the subscriber printed one: the subscription it made on
   * its own node has reached the publishing node over the bus.
   */
  void awaitRoute(ParleyNode node, String topic, String version, List<String> lines) {
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
      finish(node, "mosquitto_pub", "-V", version, "-t", topic, "-q", "0", "-m", "probe");
      return lines.contains("probe");
    });
  }

  @ParameterizedTest
  @ValueSource(strings = {"mqttv311", "mqttv5"})
  void aPublishOnOneNodeReachesASubscriberOnTheOther_atQos1And2_inOrder(String version) throws Exception {
    for (int qos = 1; qos <= 2; qos++) {
      String topic = "public/cluster/" + version + "/" + qos;
      List<String> got = new CopyOnWriteArrayList<>();
      run(n2, got, "mosquitto_sub", "-V", version, "-i", "sub-" + version + qos, "-t", topic, "-q", String.valueOf(qos));
      awaitRoute(n1, topic, version, got);
      for (int i = 0; i < 5; i++) {
        finish(n1, "mosquitto_pub", "-V", version, "-t", topic, "-q", String.valueOf(qos), "-m", "msg-" + i);
      }
      await().atMost(Duration.ofSeconds(20)).until(() -> got.contains("msg-4"));
      assertThat(got.stream().filter(l -> l.startsWith("msg-")).toList())
          .containsExactly("msg-0", "msg-1", "msg-2", "msg-3", "msg-4");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"mqttv311", "mqttv5"})
  void aRetainedMessageSetOnOneNodeIsServedByTheOther(String version) throws Exception {
    String topic = "public/cluster/retained-" + version;
    finish(n1, "mosquitto_pub", "-V", version, "-t", topic, "-r", "-q", "1", "-m", "sticky-" + version);
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() ->
        attempt(n2, "mosquitto_sub", "-V", version, "-t", topic, "-C", "1", "-W", "2").equals("sticky-" + version));
  }

  @ParameterizedTest
  @ValueSource(strings = {"mqttv311", "mqttv5"})
  void aPersistentSessionLeftOnOneNodeIsTakenUpOnTheOther_withTheMessagesQueuedForIt(String version)
      throws Exception {
    String topic = "public/cluster/queued-" + version;
    String client = "persistent-" + version;
    List<String> first = new CopyOnWriteArrayList<>();
    String[] session = version.equals("mqttv5") ? new String[] {"-x", "3600"} : new String[0];
    List<String> sub = new ArrayList<>(List.of("mosquitto_sub", "-V", version, "-i", client, "-c", "-q", "1",
        "-t", topic));
    sub.addAll(List.of(session));
    Process p = run(n1, first, sub.toArray(String[]::new));
    awaitRoute(n2, topic, version, first);
    p.destroy();
    assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
    // Offline now; its session stays on n1. Messages for it, published on n2, wait in its queue.
    for (int i = 0; i < 3; i++) {
      finish(n2, "mosquitto_pub", "-V", version, "-t", topic, "-q", "1", "-m", "queued-" + i);
    }
    List<String> again = new CopyOnWriteArrayList<>();
    run(n2, again, sub.toArray(String[]::new));
    await().atMost(Duration.ofSeconds(20)).until(() -> again.contains("queued-2"));
    assertThat(again.stream().filter(l -> l.startsWith("queued-")).toList())
        .containsExactly("queued-0", "queued-1", "queued-2");
  }
}
