package dev.parley.im.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.im.testing.ImServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Hundreds of devices send while their links are cut at random and the server is stopped and
 * restarted on the same data directory. Afterwards every message that got a SendAck must have
 * reached every device of both users of its conversation exactly once, at the seq its SendAck
 * named; on the wire, pushes must have come in seq order on every connection. The test also
 * checks that the chaos happened (links cut while logged in, restarts that every device went
 * through) and fails at once when the server refuses sends for good or refuses more than it
 * serves, instead of waiting for a timeout.
 */
class ChaosTest {
  static final int USERS = 100;
  static final int DEVICES_PER_USER = 2;
  static final int MESSAGES_PER_USER = 30;

  @Test
  void everyAcknowledgedMessageReachesEveryDeviceOnceInOrder() throws Exception {
    Path dir = Files.createTempDirectory("parley-chaos-");
    int tcp = freePort();
    int http = freePort();
    Random random = new Random(20261121);
    ScheduledExecutorService timer = Executors.newScheduledThreadPool(4);
    ImServer server = ImServer.builder().dataDir(dir).set("im.tcp.port", tcp).set("http.port", http)
        .set("im.ack-timeout", "1s").set("im.rate.logins-per-second-per-ip", "2000")
        .set("im.rate.login-burst-per-ip", "2000")
        // 200 devices share one address, and a device may reconnect before the server has seen its
        // old socket close: the per-address cap (200 by default) is not what this test is about.
        .set("im.tcp.max-connections-per-ip", "1000").start();
    List<ChaosDevice> devices = new ArrayList<>();
    int restarts = 0;
    int cuts = 0;
    try {
      for (int u = 0; u < USERS; u++) {
        String user = "chaos" + u;
        for (int d = 0; d < DEVICES_PER_USER; d++) {
          devices.add(new ChaosDevice(user, "dev" + d, () -> tcp, () -> server.token(user), timer));
        }
      }
      devices.forEach(ChaosDevice::start);
      int sent = 0;
      int total = USERS * MESSAGES_PER_USER;
      while (sent < total) {
        for (int i = 0; i < 100 && sent < total; i++, sent++) {
          ChaosDevice from = devices.get(random.nextInt(devices.size()));
          String to;
          do {
            to = "chaos" + random.nextInt(USERS);
          } while (to.equals(from.user()));
          from.send(to, "msg-" + sent);
        }
        for (int i = 0; i < 10; i++) {
          if (devices.get(random.nextInt(devices.size())).cut()) {
            cuts++;
          }
        }
        if (sent % 1000 == 0) {
          server.kernel().stop();
          server.kernel().startAgain();
          restarts++;
        }
        // Back-pressure on the load generator: keep a few hundred sends in flight at most.
        ChaosCheck.refusing(await(), devices, total).atMost(Duration.ofMinutes(2))
            .until(() -> devices.stream().mapToInt(ChaosDevice::outboxSize).sum() < 300);
      }
      ChaosCheck.awaitDone(devices, total, Duration.ofMinutes(3), Duration.ofMinutes(2));
      ChaosCheck.Counts counts = ChaosCheck.verify(devices);
      System.out.printf("chaos: %d devices, %d logged-in links cut, %d server restarts, %s%n", devices.size(), cuts,
          restarts, counts);
      assertThat(counts.acked()).isEqualTo(total);
      assertThat(counts.checked()).isEqualTo(total * 2 * DEVICES_PER_USER);
      int goAways = counts.goAways();
      // The chaos happened: links were cut while in use, and every device went through every restart.
      assertThat(restarts).isEqualTo(total / 1000);
      assertThat(cuts).isGreaterThan(total / 100 * 10 / 4);
      assertThat(goAways).isGreaterThanOrEqualTo(restarts * devices.size() / 2);
      int restartsDone = restarts;
      assertThat(devices).allMatch(d -> d.connects > restartsDone);
    } finally {
      devices.forEach(ChaosDevice::stop);
      timer.shutdownNow();
      timer.awaitTermination(5, TimeUnit.SECONDS);
      server.close();
      try (var walk = Files.walk(dir)) {
        walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
