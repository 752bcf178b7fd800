package dev.parley.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.core.auth.TokenService;
import dev.parley.core.testing.Haproxy;
import dev.parley.core.testing.PostgresServer;
import dev.parley.core.testing.RedisServer;
import dev.parley.im.chaos.ChaosCheck;
import dev.parley.im.chaos.ChaosDevice;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;

/**
 * The cluster's delivery promise under faults: three Parley nodes (the jar, as processes of their
 * own) on one PostgreSQL and one Redis, behind HAProxy running docs/cluster/haproxy.cfg. Devices
 * send through the proxy while their links are cut at random, one node is killed with SIGKILL and
 * started again, Redis is restarted, and another node is stopped (it drains) and started again.
 * Afterwards every message that got a SendAck reached every device of both users of its
 * conversation exactly once, at the seq its SendAck named, and in order (the devices' own
 * ordering: pushes of one conversation committed by two nodes may cross on the wire). Meanwhile
 * Paho clients with persistent sessions publish and subscribe at QoS 1 through the proxy's MQTT
 * frontend: every message whose PUBACK came reached every subscriber at least once. It prints its
 * counts.
 */
class ClusterChaosIT {
  static final int USERS = 40;
  static final int DEVICES_PER_USER = 2;
  static final int MESSAGES_PER_USER = 25;
  static final int MQTT_PUBLISHERS = 3;
  static final int MQTT_SUBSCRIBERS = 4;
  static final int MQTT_PER_ROUND = 10;
  static final String SECRET = "cluster-chaos-secret-cluster-chaos-secret-0123";

  private static void awaitQuietly(Duration atMost, Callable<Boolean> done) {
    try {
      await().atMost(atMost).until(done);
    } catch (ConditionTimeoutException e) {
      // Reported by the counts and asserted after.
    }
  }

  @Test
  void everyAcknowledgedMessageReachesEveryDeviceOnceInOrderThroughKillsAndARedisRestart() throws Exception {
    Random random = new Random(20261202);
    ScheduledExecutorService timer = Executors.newScheduledThreadPool(4);
    TokenService tokens = new TokenService(SECRET, Map.of(), null, Duration.ofSeconds(30), Clock.systemUTC());
    List<ParleyNode> nodes = new ArrayList<>();
    List<ChaosDevice> devices = new ArrayList<>();
    MqttChaos mqtt = null;
    try (PostgresServer postgres = PostgresServer.started(); RedisServer redis = RedisServer.started()) {
      Map<String, String> shared = new LinkedHashMap<>();
      shared.put("cluster.enabled", "true");
      shared.put("cluster.redis.url", redis.url());
      shared.put("cluster.heartbeat-interval", "1s");
      shared.put("cluster.node-timeout", "4s");
      shared.put("store.postgres.url", postgres.createDatabase("parley_chaos"));
      shared.put("store.postgres.user", PostgresServer.USER);
      shared.put("auth.jwt.secret", SECRET);
      shared.put("admin.secret", "cluster-chaos-admin");
      shared.put("im.ack-timeout", "1s");
      shared.put("im.shutdown.reconnect-after", "200ms");
      shared.put("server.shutdown-grace", "2s");
      // Every device comes through the proxy's one address.
      shared.put("im.rate.logins-per-second-per-ip", "100000");
      shared.put("im.rate.login-burst-per-ip", "100000");
      shared.put("im.tcp.max-connections-per-ip", "0");
      for (int i = 1; i <= 3; i++) {
        ParleyNode n = new ParleyNode("n" + i, shared);
        nodes.add(n);
        n.start();
      }
      try (Haproxy proxy = new Haproxy(ParleyNode.ROOT.resolve(Haproxy.DOCUMENTED),
          nodes.stream().map(ParleyNode::ports).toList())) {
        proxy.start();
        for (int u = 0; u < USERS; u++) {
          String user = "cc" + u;
          for (int d = 0; d < DEVICES_PER_USER; d++) {
            devices.add(new ChaosDevice(user, "dev" + d, proxy::port, () -> tokens.mint(user, Duration.ofHours(1)),
                timer));
          }
        }
        devices.forEach(ChaosDevice::start);
        mqtt = new MqttChaos("tcp://127.0.0.1:" + proxy.mqtt(), MQTT_PUBLISHERS, MQTT_SUBSCRIBERS);
        int total = USERS * MESSAGES_PER_USER;
        int sent = 0;
        int cuts = 0;
        List<String> faults = new ArrayList<>();
        while (sent < total) {
          for (int i = 0; i < 50 && sent < total; i++, sent++) {
            ChaosDevice from = devices.get(random.nextInt(devices.size()));
            String to;
            do {
              to = "cc" + random.nextInt(USERS);
            } while (to.equals(from.user()));
            from.send(to, "msg-" + sent);
          }
          mqtt.publish(MQTT_PER_ROUND);
          for (int i = 0; i < 5; i++) {
            if (devices.get(random.nextInt(devices.size())).cut()) {
              cuts++;
            }
          }
          switch (sent) {
            case 200 -> {
              nodes.get(1).kill();
              faults.add("SIGKILL n2");
            }
            case 400 -> {
              nodes.get(1).start();
              faults.add("n2 started");
            }
            case 550 -> {
              redis.restart();
              faults.add("Redis restarted");
            }
            case 750 -> {
              nodes.get(2).stop();
              faults.add("SIGTERM n3");
              nodes.get(2).start();
              faults.add("n3 started");
            }
            default -> { }
          }
          ChaosCheck.refusing(await(), devices, total).atMost(Duration.ofMinutes(2))
              .until(() -> devices.stream().mapToInt(ChaosDevice::outboxSize).sum() < 200);
        }
        ChaosCheck.awaitDone(devices, total, Duration.ofMinutes(3), Duration.ofMinutes(2));
        ChaosCheck.Counts counts = ChaosCheck.verify(devices, false);
        System.out.printf("cluster chaos: 3 nodes, %d devices, %d logged-in links cut, faults %s; %s%n",
            devices.size(), cuts, faults, counts);
        MqttChaos m = mqtt;
        awaitQuietly(Duration.ofMinutes(1), () -> m.acked().size() == m.sent());
        awaitQuietly(Duration.ofMinutes(1), () -> m.missing().isEmpty());
        Map<String, Set<String>> missing = m.missing();
        System.out.printf("cluster chaos MQTT: %d QoS 1 published, %d PUBACKed, %d subscribers, %d reconnects, "
            + "received per subscriber %s, acknowledged but missing %s%n", m.sent(), m.acked().size(),
            MQTT_SUBSCRIBERS, m.reconnects().get(), m.receivedCounts(), missing);
        assertThat(missing).as("QoS 1 messages PUBACKed but not delivered").isEmpty();
        assertThat(m.acked()).hasSizeGreaterThan(m.sent() / 2);
        assertThat(counts.acked()).isEqualTo(total);
        assertThat(counts.checked()).isEqualTo(total * 2 * DEVICES_PER_USER);
        assertThat(faults).hasSize(5);
        assertThat(cuts).isGreaterThan(total / 50);
        // The devices the kill and the drain took down came back through the proxy.
        assertThat(counts.connects()).isGreaterThan(devices.size() + cuts / 2);
        for (ParleyNode n : nodes) {
          assertThat(n.running()).as("node %s: %s", n.id(), n.lastLines()).isTrue();
        }
      }
    } finally {
      devices.forEach(ChaosDevice::stop);
      if (mqtt != null) {
        mqtt.close();
      }
      timer.shutdownNow();
      timer.awaitTermination(5, TimeUnit.SECONDS);
      for (ParleyNode n : nodes) {
        n.kill();
        n.close();
      }
    }
  }
}
