package dev.parley.rtc.turn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.core.testing.ManualTime;
import dev.parley.core.testing.TestKernel;
import dev.parley.rtc.stun.StunAttr;
import dev.parley.rtc.stun.StunMessage;
import dev.parley.rtc.stun.StunMethod;
import dev.parley.rtc.stun.TransportAddress;
import dev.parley.rtc.testing.RtcTestServers.Peer;
import dev.parley.rtc.testing.RtcTestServers;
import dev.parley.rtc.testing.TurnTestClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Lifetimes of allocations, permissions, channels, nonces and credentials, driven by a settable clock. */
class TurnLifetimeTest {
  ManualTime clock;
  TestKernel server;
  TurnServer turn;

  @BeforeEach
  void start() {
    clock = new ManualTime();
    server = RtcTestServers.builder(clock).start();
    turn = RtcTestServers.module(server).turnServer();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  TurnTestClient client(String user) {
    return RtcTestServers.udpClient(server, user, clock);
  }

  static long lifetime(StunMessage m) {
    return m.get(StunAttr.LIFETIME).u32();
  }

  @Test
  void allocationExpiresWhenNotRefreshed() {
    try (TurnTestClient c = client("alice"); Peer peer = new Peer()) {
      TransportAddress relayed = c.allocate();
      c.expectSuccess(c.createPermission(TransportAddress.of(peer.address())));
      assertThat(turn.allocationsOf("alice")).isEqualTo(1);
      clock.advance(Duration.ofSeconds(599));
      c.expectSuccess(c.createPermission(TransportAddress.of(peer.address())));
      clock.advance(Duration.ofSeconds(2));
      await().until(() -> turn.allocationsOf("alice") == 0);
      assertThat(turn.udpAllocation(c.localAddress())).isNull();
      peer.send(relayed.toSocketAddress(), new byte[] {1});
      assertThat(TurnTestClient.errorCode(c.refresh(600))).isEqualTo(437);
      assertThat(c.relayedBeforeMarker()).as("the relay socket is closed").isEmpty();
    }
  }

  @Test
  void refreshExtendsAndZeroDeletes() {
    try (TurnTestClient c = client("bob")) {
      c.allocate();
      clock.advance(Duration.ofSeconds(500));
      StunMessage r = c.refresh(600);
      c.expectSuccess(r);
      assertThat(lifetime(r)).isEqualTo(600);
      clock.advance(Duration.ofSeconds(500));
      c.expectSuccess(c.refresh(600));
      assertThat(turn.allocationsOf("bob")).isEqualTo(1);
      StunMessage delete = c.refresh(0);
      c.expectSuccess(delete);
      assertThat(lifetime(delete)).isZero();
      assertThat(turn.allocationsOf("bob")).isZero();
      assertThat(TurnTestClient.errorCode(c.refresh(600))).isEqualTo(437);
      // The 5-tuple is free again.
      c.allocate();
    }
  }

  @Test
  void lifetimeIsCappedAtTheMaximumAndRaisedToTheDefault() {
    try (TurnTestClient c = client("carol"); TurnTestClient d = client("carol")) {
      StunMessage longOne = c.allocateRequest(999_999);
      c.expectSuccess(longOne);
      assertThat(lifetime(longOne)).isEqualTo(3600);
      StunMessage shortOne = d.allocateRequest(30);
      d.expectSuccess(shortOne);
      assertThat(lifetime(shortOne)).isEqualTo(600);
      clock.advance(Duration.ofSeconds(601));
      await().until(() -> turn.allocationsOf("carol") == 1);
      assertThat(turn.udpAllocation(c.localAddress())).isNotNull();
    }
  }

  @Test
  void permissionExpiresAfterFiveMinutes() {
    try (TurnTestClient c = client("dave"); Peer peer = new Peer()) {
      TransportAddress relayed = c.allocate();
      c.expectSuccess(c.createPermission(TransportAddress.of(peer.address())));
      peer.send(relayed.toSocketAddress(), "one".getBytes(StandardCharsets.UTF_8));
      assertThat(c.receive(3000)).isNotNull();
      clock.advance(Duration.ofSeconds(301));
      long before = turn.metrics().droppedPackets(RtcMetrics.Drop.NO_PERMISSION);
      peer.send(relayed.toSocketAddress(), "two".getBytes(StandardCharsets.UTF_8));
      await().until(() -> turn.metrics().droppedPackets(RtcMetrics.Drop.NO_PERMISSION) > before);
      assertThat(c.relayedBeforeMarker()).isEmpty();
      long afterPeer = turn.metrics().droppedPackets(RtcMetrics.Drop.NO_PERMISSION);
      c.send(TransportAddress.of(peer.address()), new byte[] {7});
      await().until(() -> turn.metrics().droppedPackets(RtcMetrics.Drop.NO_PERMISSION) > afterPeer);
      // A fresh permission lets the next packet through, and it is the first the peer sees.
      c.expectSuccess(c.createPermission(TransportAddress.of(peer.address())));
      c.send(TransportAddress.of(peer.address()), new byte[] {8});
      assertThat(peer.receivedBefore(new byte[] {8})).isEmpty();
    }
  }

  @Test
  void channelExpiresButKeepsItsNumberAndPeerForFiveMinutes() {
    try (TurnTestClient c = client("erin"); Peer peer = new Peer(); Peer other = new Peer()) {
      c.expectSuccess(c.allocateRequest(3600));
      TransportAddress p = TransportAddress.of(peer.address());
      c.expectSuccess(c.channelBind(0x4010, p));
      c.channelData(0x4010, new byte[] {1});
      assertThat(peer.receive(3000)).isNotNull();
      clock.advance(Duration.ofSeconds(601));
      long before = turn.metrics().droppedPackets(RtcMetrics.Drop.NO_CHANNEL);
      c.channelData(0x4010, new byte[] {2});
      await().until(() -> turn.metrics().droppedPackets(RtcMetrics.Drop.NO_CHANNEL) > before);
      assertThat(TurnTestClient.errorCode(c.channelBind(0x4010, TransportAddress.of(other.address())))).isEqualTo(400);
      c.expectSuccess(c.channelBind(0x4010, p));
      c.channelData(0x4010, new byte[] {3});
      assertThat(peer.receive(3000).getData()).containsExactly(3);
      // Past the cooldown the number may go to another peer.
      clock.advance(Duration.ofSeconds(601 + 300));
      await().untilAsserted(() -> assertThat(c.channelBind(0x4010, TransportAddress.of(other.address())).cls())
          .isEqualTo(StunMethod.SUCCESS));
    }
  }

  @Test
  void staleNonceGets438WithAFreshNonceAndTheRetryWorks() {
    try (TurnTestClient c = client("frank")) {
      c.expectSuccess(c.allocateRequest(3600));
      String oldNonce = c.nonce();
      clock.advance(Duration.ofMinutes(11));
      StunMessage stale = c.exchange(c.build(StunMethod.REFRESH, TurnTestClient.transactionId(),
          b -> b.u32(StunAttr.LIFETIME, 600)));
      assertThat(TurnTestClient.errorCode(stale)).isEqualTo(438);
      assertThat(stale.text(StunAttr.REALM)).isEqualTo("parley");
      assertThat(stale.text(StunAttr.NONCE)).isNotEqualTo(oldNonce);
      c.expectSuccess(c.refresh(600));
      assertThat(c.nonce()).isNotEqualTo(oldNonce);
    }
  }

  @Test
  void expiredRestCredentialsAreRefused() {
    try (TurnTestClient c = client("gina")) {
      clock.advance(Duration.ofHours(2));
      StunMessage r = c.allocateRequest(-1);
      assertThat(TurnTestClient.errorCode(r)).isEqualTo(401);
      assertThat(TurnTestClient.reason(r)).contains("expired");
    }
  }
}
