package dev.parley.rtc.turn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.core.testing.HttpTestClient;
import dev.parley.core.testing.ManualTime;
import dev.parley.core.testing.TestKernel;
import dev.parley.rtc.stun.StunMessage;
import dev.parley.rtc.stun.TransportAddress;
import dev.parley.rtc.testing.RtcTestServers.Peer;
import dev.parley.rtc.testing.RtcTestServers;
import dev.parley.rtc.testing.TurnTestClient;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Per-user and total allocation quotas, and the per-allocation bandwidth cap (with the clock held still). */
class TurnQuotaTest {
  static ManualTime clock = new ManualTime();
  static TestKernel server;

  @BeforeAll
  static void start() {
    server = RtcTestServers.builder(clock)
        .set("rtc.turn.user-quota", "2")
        .set("rtc.turn.total-quota", "3")
        .set("rtc.turn.allocation-bandwidth", "1000")
        .set("rtc.turn.rfc5766-channels", "true")
        .start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void userQuotaGives486AndTotalQuotaGives508() {
    try (TurnTestClient a1 = RtcTestServers.udpClient(server, "alice", clock);
        TurnTestClient a2 = RtcTestServers.udpClient(server, "alice", clock);
        TurnTestClient a3 = RtcTestServers.tcpClient(server, "alice", clock);
        TurnTestClient b1 = RtcTestServers.udpClient(server, "bob", clock);
        TurnTestClient c1 = RtcTestServers.udpClient(server, "carol", clock)) {
      a1.allocate();
      a2.allocate();
      StunMessage third = a3.allocateRequest(-1);
      assertThat(TurnTestClient.errorCode(third)).isEqualTo(486);
      assertThat(third.verifyIntegrity(a3.key())).isTrue();
      b1.allocate();
      assertThat(TurnTestClient.errorCode(c1.allocateRequest(-1))).isEqualTo(508);
      a1.expectSuccess(a1.refresh(0));
      a3.allocate();
      assertThat(new HttpTestClient(server.httpBase()).get("/metrics", null).body())
          .contains("parley_rtc_allocations_rejected_total{code=\"486\"")
          .contains("parley_rtc_allocations_rejected_total{code=\"508\"");
      a2.expectSuccess(a2.refresh(0));
      a3.expectSuccess(a3.refresh(0));
      b1.expectSuccess(b1.refresh(0));
    }
  }

  @Test
  void rfc5766ChannelNumbersBindWhenEnabled() {
    try (TurnTestClient c = RtcTestServers.udpClient(server, "erin", clock); Peer peer = new Peer()) {
      c.allocate();
      c.expectSuccess(c.channelBind(0x7FFE, TransportAddress.of(peer.address())));
      c.channelData(0x7FFE, new byte[] {5});
      assertThat(peer.receive(3000).getData()).containsExactly(5);
      assertThat(TurnTestClient.errorCode(c.channelBind(0x8000, TransportAddress.of(peer.address())))).isEqualTo(400);
      c.expectSuccess(c.refresh(0));
    }
  }

  static byte[] packet(int n) {
    byte[] p = new byte[300];
    java.util.Arrays.fill(p, (byte) n);
    return p;
  }

  @Test
  void bandwidthCapDropsWhatExceedsTheRate() {
    try (TurnTestClient c = RtcTestServers.udpClient(server, "dave", clock); Peer peer = new Peer()) {
      c.allocate();
      TransportAddress p = TransportAddress.of(peer.address());
      c.expectSuccess(c.channelBind(0x4000, p));
      // 1000 bytes per second and the clock stands still: four 300-byte packets, only three fit.
      TurnServer turn = RtcTestServers.module(server).turnServer();
      long before = turn.metrics().droppedPackets(RtcMetrics.Drop.BANDWIDTH);
      for (int i = 0; i < 4; i++) {
        c.channelData(0x4000, packet(i));
      }
      await().until(() -> turn.metrics().droppedPackets(RtcMetrics.Drop.BANDWIDTH) == before + 1);
      clock.advance(Duration.ofSeconds(1));
      byte[] marker = packet(9);
      c.channelData(0x4000, marker);
      assertThat(peer.receivedBefore(marker)).containsExactly(packet(0), packet(1), packet(2));
      c.expectSuccess(c.refresh(0));
    }
  }
}
