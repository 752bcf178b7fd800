package dev.parley.rtc.turn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.core.testing.TestKernel;
import dev.parley.core.testing.ManualTime;
import dev.parley.core.time.TimeSource;
import dev.parley.rtc.stun.StunAttr;
import dev.parley.rtc.stun.StunMessage;
import dev.parley.rtc.stun.StunMethod;
import dev.parley.rtc.stun.TransportAddress;
import dev.parley.rtc.testing.RtcTestServers.Peer;
import dev.parley.rtc.testing.RtcTestServers;
import dev.parley.rtc.testing.TurnTestClient;
import java.net.DatagramPacket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The relay over UDP and TCP with a raw client: allocate, permissions, indications, channels. */
class TurnRelayTest {
  static TestKernel server;
  static final TimeSource CLOCK = new ManualTime();

  @BeforeAll
  static void start() {
    server = RtcTestServers.builder(CLOCK).start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static TurnTestClient client(String transport, String user) {
    return transport.equals("udp") ? RtcTestServers.udpClient(server, user, CLOCK)
        : RtcTestServers.tcpClient(server, user, CLOCK);
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @ParameterizedTest
  @ValueSource(strings = {"udp", "tcp"})
  void sendAndDataIndicationsRelayBothWays(String transport) {
    try (TurnTestClient c = client(transport, "alice"); Peer peer = new Peer()) {
      TransportAddress relayed = c.allocate();
      assertThat(relayed.toSocketAddress().getAddress().isLoopbackAddress()).isTrue();
      TransportAddress peerAddress = TransportAddress.of(peer.address());
      c.expectSuccess(c.createPermission(peerAddress));

      c.send(peerAddress, utf8("hello peer"));
      DatagramPacket got = peer.receive(3000);
      assertThat(got).isNotNull();
      assertThat(new String(got.getData(), StandardCharsets.UTF_8)).isEqualTo("hello peer");
      assertThat(got.getPort()).isEqualTo(relayed.port());

      peer.send(relayed.toSocketAddress(), utf8("hello client"));
      TurnTestClient.Received r = c.receive(3000);
      assertThat(r).isNotNull();
      assertThat(r.channel()).isZero();
      assertThat(r.peer()).isEqualTo(peerAddress);
      assertThat(new String(r.data(), StandardCharsets.UTF_8)).isEqualTo("hello client");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"udp", "tcp"})
  void channelDataRelaysBothWaysAfterChannelBind(String transport) {
    try (TurnTestClient c = client(transport, "bob"); Peer peer = new Peer()) {
      TransportAddress relayed = c.allocate();
      TransportAddress peerAddress = TransportAddress.of(peer.address());
      c.expectSuccess(c.channelBind(0x4001, peerAddress));
      // Odd lengths exercise the TCP padding both ways.
      c.channelData(0x4001, utf8("abc"));
      DatagramPacket got = peer.receive(3000);
      assertThat(new String(got.getData(), StandardCharsets.UTF_8)).isEqualTo("abc");

      peer.send(relayed.toSocketAddress(), utf8("12345"));
      TurnTestClient.Received r = c.receive(3000);
      assertThat(r.channel()).isEqualTo(0x4001);
      assertThat(new String(r.data(), StandardCharsets.UTF_8)).isEqualTo("12345");

      // Channel numbers 0x5000-0x7FFF are ChannelData on the wire but never bound: dropped, stream stays in step.
      c.channelData(0x7FFF, utf8("dropped"));
      c.channelData(0x4001, utf8("after"));
      got = peer.receive(3000);
      assertThat(new String(got.getData(), StandardCharsets.UTF_8)).isEqualTo("after");
    }
  }

  @Test
  void packetsFromPeersWithoutPermissionAreDropped() throws Exception {
    try (TurnTestClient c = client("udp", "carol"); Peer allowed = new Peer();
        java.net.DatagramSocket stranger = new java.net.DatagramSocket(new InetSocketAddress("127.0.0.2", 0))) {
      TransportAddress relayed = c.allocate();
      // Permissions are per IP address; the port does not matter.
      c.expectSuccess(c.createPermission(new TransportAddress(allowed.address().getAddress().getAddress(), 1)));
      long before = dropped(RtcMetrics.Drop.NO_PERMISSION);
      stranger.send(new DatagramPacket(utf8("stranger"), 8, relayed.toSocketAddress()));
      await().until(() -> dropped(RtcMetrics.Drop.NO_PERMISSION) > before);
      allowed.send(relayed.toSocketAddress(), utf8("allowed"));
      TurnTestClient.Received r = c.receive(3000);
      assertThat(new String(r.data(), StandardCharsets.UTF_8)).isEqualTo("allowed");
      assertThat(c.relayedBeforeMarker()).isEmpty();
    }
  }

  static long dropped(RtcMetrics.Drop d) {
    return RtcTestServers.module(server).turnServer().metrics().droppedPackets(d);
  }

  @ParameterizedTest
  @ValueSource(strings = {"udp", "tcp"})
  void allocateRetransmitGetsSameAnswerAndSecondAllocateGets437(String transport) {
    try (TurnTestClient c = client(transport, "dave")) {
      StunMessage first = c.allocateRequest(-1);
      c.expectSuccess(first);
      byte[] again = c.build(StunMethod.ALLOCATE, first.transactionId(),
          b -> b.add(StunAttr.REQUESTED_TRANSPORT, new byte[] {17, 0, 0, 0}));
      StunMessage retransmit = c.exchange(again);
      assertThat(retransmit.raw()).isEqualTo(first.raw());
      StunMessage second = c.allocateRequest(-1);
      assertThat(TurnTestClient.errorCode(second)).isEqualTo(437);
      assertThat(second.verifyIntegrity(c.key())).isTrue();
    }
  }

  @Test
  void evenPortWithReservationHoldsTheNextPortForTheToken() throws Exception {
    try (TurnTestClient rtp = client("udp", "ivan"); TurnTestClient rtcp = client("udp", "ivan");
        TurnTestClient late = client("udp", "ivan")) {
      StunMessage first = rtp.request(StunMethod.ALLOCATE, b -> b.add(StunAttr.REQUESTED_TRANSPORT, new byte[] {17, 0, 0, 0})
          .add(StunAttr.EVEN_PORT, new byte[] {(byte) 0x80}));
      rtp.expectSuccess(first);
      int port = first.address(StunAttr.XOR_RELAYED_ADDRESS).port();
      assertThat(port % 2).isZero();
      byte[] token = first.get(StunAttr.RESERVATION_TOKEN).value();
      assertThat(token).hasSize(8);
      StunMessage second = rtcp.request(StunMethod.ALLOCATE, b -> b
          .add(StunAttr.REQUESTED_TRANSPORT, new byte[] {17, 0, 0, 0}).add(StunAttr.RESERVATION_TOKEN, token));
      rtcp.expectSuccess(second);
      assertThat(second.address(StunAttr.XOR_RELAYED_ADDRESS).port()).isEqualTo(port + 1);
      StunMessage reused = late.request(StunMethod.ALLOCATE, b -> b
          .add(StunAttr.REQUESTED_TRANSPORT, new byte[] {17, 0, 0, 0}).add(StunAttr.RESERVATION_TOKEN, token));
      assertThat(TurnTestClient.errorCode(reused)).isEqualTo(508);
      rtp.expectSuccess(rtp.refresh(0));
      rtcp.expectSuccess(rtcp.refresh(0));
    }
  }

  @Test
  void requestsWithoutAllocationGet437() {
    try (TurnTestClient c = client("udp", "erin")) {
      assertThat(TurnTestClient.errorCode(c.refresh(600))).isEqualTo(437);
      TransportAddress p = new TransportAddress(new byte[] {127, 0, 0, 1}, 5000);
      assertThat(TurnTestClient.errorCode(c.createPermission(p))).isEqualTo(437);
      assertThat(TurnTestClient.errorCode(c.channelBind(0x4000, p))).isEqualTo(437);
    }
  }

  @Test
  void badRequestsGetTheirErrors() {
    try (TurnTestClient c = client("udp", "frank"); Peer peer = new Peer(); Peer peer2 = new Peer()) {
      assertThat(TurnTestClient.errorCode(c.request(StunMethod.ALLOCATE, b -> { }))).isEqualTo(400);
      assertThat(TurnTestClient.errorCode(c.request(StunMethod.ALLOCATE,
          b -> b.add(StunAttr.REQUESTED_TRANSPORT, new byte[] {6, 0, 0, 0})))).isEqualTo(442);
      assertThat(TurnTestClient.errorCode(c.request(StunMethod.ALLOCATE, b -> b
          .add(StunAttr.REQUESTED_TRANSPORT, new byte[] {17, 0, 0, 0})
          .add(StunAttr.REQUESTED_ADDRESS_FAMILY, new byte[] {2, 0, 0, 0})))).isEqualTo(440);
      c.allocate();
      TransportAddress p1 = TransportAddress.of(peer.address());
      TransportAddress p2 = TransportAddress.of(peer2.address());
      assertThat(TurnTestClient.errorCode(c.request(StunMethod.CREATE_PERMISSION, b -> { }))).isEqualTo(400);
      assertThat(TurnTestClient.errorCode(c.channelBind(0x3FFF, p1))).isEqualTo(400);
      assertThat(TurnTestClient.errorCode(c.channelBind(0x5000, p1))).isEqualTo(400);
      c.expectSuccess(c.channelBind(0x4002, p1));
      c.expectSuccess(c.channelBind(0x4002, p1));
      StunMessage numberTaken = c.channelBind(0x4002, p2);
      assertThat(TurnTestClient.errorCode(numberTaken)).isEqualTo(400);
      assertThat(TurnTestClient.reason(numberTaken)).contains("bound to another peer");
      assertThat(TurnTestClient.errorCode(c.channelBind(0x4003, p1))).isEqualTo(400);
      // 2001:db9::1 is a public IPv6 address: allowed by policy, but this allocation is IPv4.
      TransportAddress v6 = new TransportAddress(new byte[] {0x20, 1, 0x0d, (byte) 0xb9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 9);
      assertThat(TurnTestClient.errorCode(c.createPermission(v6))).isEqualTo(443);
      StunMessage unknown = c.exchange(c.build(StunMethod.REFRESH, TurnTestClient.transactionId(),
          b -> b.add(0x7001, new byte[] {1, 2, 3, 4})));
      assertThat(TurnTestClient.errorCode(unknown)).isEqualTo(420);
      assertThat(unknown.get(StunAttr.UNKNOWN_ATTRIBUTES).value()).containsExactly(0x70, 0x01);
    }
  }

  @Test
  void anotherUsersRequestOnTheSameFiveTupleGets441() {
    try (TurnTestClient c = client("tcp", "gina")) {
      c.allocate();
      RtcTestServers.withCredentials(c, "mallory", CLOCK);
      StunMessage r = c.refresh(600);
      assertThat(TurnTestClient.errorCode(r)).isEqualTo(441);
    }
  }

  @Test
  void bindingRequestAnswersTheMappedAddressOverUdpAndTcp() throws Exception {
    for (String transport : new String[] {"udp", "tcp"}) {
      try (TurnTestClient c = client(transport, "x")) {
        StunMessage r = c.exchange(StunMessageBuilderHolder.binding());
        assertThat(r.cls()).isEqualTo(StunMethod.SUCCESS);
        assertThat(r.address(StunAttr.XOR_MAPPED_ADDRESS)).isEqualTo(TransportAddress.of(c.localAddress()));
        assertThat(r.hasFingerprint()).isTrue();
      }
    }
  }

  @Test
  void tcpConnectionWithBrokenFramingIsClosed() {
    try (TurnTestClient c = client("tcp", "z")) {
      c.sendRaw(new byte[] {(byte) 0xC0, 0, 0, 4, 1, 2, 3, 4});
      assertThat(c.closedByServer(3000)).isTrue();
    }
  }

  @Test
  void closingTheTcpConnectionFreesItsAllocation() {
    TurnServer turn = RtcTestServers.module(server).turnServer();
    TurnTestClient c = client("tcp", "henry");
    c.allocate();
    assertThat(turn.allocationsOf("henry")).isEqualTo(1);
    c.close();
    await().until(() -> turn.allocationsOf("henry") == 0);
  }

  /** A plain Binding request with FINGERPRINT. */
  static final class StunMessageBuilderHolder {
    static byte[] binding() {
      return dev.parley.rtc.stun.StunMessageBuilder.of(StunMethod.BINDING, StunMethod.REQUEST, TurnTestClient.transactionId())
          .build(null, dev.parley.rtc.stun.StunMessageBuilder.Integrity.NONE, true);
    }
  }
}
