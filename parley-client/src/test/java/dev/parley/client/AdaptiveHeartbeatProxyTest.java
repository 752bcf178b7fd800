package dev.parley.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.client.Clients.Pair;
import dev.parley.client.heartbeat.AdaptiveHeartbeat;
import dev.parley.client.heartbeat.HeartbeatPolicy;
import dev.parley.client.testing.FaultProxy;
import dev.parley.im.testing.ImServer;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The adaptive heartbeat behind a proxy that, like a carrier NAT, silently forgets connections
 * idle for 1.5 s: it probes up to that, loses one connection finding it, and settles below it.
 */
class AdaptiveHeartbeatProxyTest {
  private static final long NAT_TIMEOUT = 1500;

  @Test
  void findsTheNatTimeoutAndSettlesBelowIt() {
    try (ImServer server = ImServer.builder().set("im.heartbeat.max-interval", "10s").start();
        FaultProxy nat = FaultProxy.start(server::tcpPort);
        Clients clients = new Clients()) {
      nat.idleTimeout(Duration.ofMillis(NAT_TIMEOUT));
      AdaptiveHeartbeat adaptive = HeartbeatPolicy.adaptive().minInterval(Duration.ofMillis(400))
          .step(Duration.ofMillis(400)).successesBeforeProbe(2).safetyMargin(Duration.ofMillis(200)).build();
      Pair p = clients.tcp(server, nat.port(), "nat-a", b -> b.heartbeat(adaptive)
          .heartbeatTimeout(Duration.ofSeconds(1)));

      await().atMost(Duration.ofSeconds(30)).until(() -> adaptive.snapshot().settled());
      long settled = adaptive.snapshot().settledMillis();
      System.out.printf("adaptive heartbeat: NAT forgets after %d ms; settled at %d ms after %d lost connection(s)%n",
          NAT_TIMEOUT, settled, nat.idleDropped());
      assertThat(settled).isLessThan(NAT_TIMEOUT).isGreaterThanOrEqualTo(NAT_TIMEOUT - 2 * 400 - 200);
      assertThat(nat.idleDropped()).isGreaterThanOrEqualTo(1);
      await().until(() -> p.rec().state() == ConnectionState.ONLINE);

      // Settled, the connection now lives on: no more lost connections and no reconnects.
      long logins = p.rec().logins();
      int dropped = nat.idleDropped();
      await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(6))
          .until(() -> p.rec().logins() == logins && nat.idleDropped() == dropped
              && p.rec().state() == ConnectionState.ONLINE);
      // And it still carries messages.
      Pair other = clients.tcp(server, "nat-b");
      await().until(() -> other.rec().state() == ConnectionState.ONLINE);
      other.client().sendText("nat-a", "through the NAT").result().join();
      await().until(() -> p.rec().messages.size() == 1);

      // Another network: a fresh connection at once, and probing starts over there...
      long before = p.rec().logins();
      p.client().networkChanged("cell");
      await().until(() -> p.rec().logins() == before + 1);
      assertThat(p.rec().events).anyMatch(e -> e.cause() == ConnectionEvent.Cause.NETWORK_CHANGED);
      assertThat(adaptive.snapshot().network()).isEqualTo("cell");
      assertThat(adaptive.snapshot().settled()).isFalse();
      // ...while the first network's interval is remembered for when the device is back on it.
      p.client().networkChanged(AdaptiveHeartbeat.DEFAULT_NETWORK);
      await().until(() -> p.rec().logins() == before + 2);
      assertThat(adaptive.snapshot().settledMillis()).isEqualTo(settled);
    }
  }
}
