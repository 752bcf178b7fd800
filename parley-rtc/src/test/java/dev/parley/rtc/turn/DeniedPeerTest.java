package dev.parley.rtc.turn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.core.testing.TestKernel;
import dev.parley.core.testing.ManualTime;
import dev.parley.core.time.TimeSource;
import dev.parley.rtc.stun.StunMessage;
import dev.parley.rtc.stun.TransportAddress;
import dev.parley.rtc.testing.RtcTestServers;
import dev.parley.rtc.testing.TurnTestClient;
import java.net.InetAddress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** With the default policy, a real server refuses every denied address form with 403, in each request that names a peer. */
class DeniedPeerTest {
  static final TimeSource CLOCK = new ManualTime();
  static TestKernel server;

  @BeforeAll
  static void start() {
    server = RtcTestServers.builder(CLOCK).set("rtc.turn.allowed-peers", "").start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static final String[] IPV4 = {"127.0.0.1", "0.0.0.0", "10.0.0.1", "172.16.5.4", "192.168.0.10", "169.254.169.254",
      "100.64.1.1", "224.0.0.251", "255.255.255.255"};
  static final byte[][] IPV6 = {
      v6("::ffff:7f00:1"), // ::ffff:127.0.0.1, the CVE form
      v6("::ffff:0:0"), // ::ffff:0.0.0.0
      v6("::1"), v6("::"), v6("::7f00:1"), v6("fe80::1"), v6("fd00::1"), v6("ff02::1"), v6("64:ff9b::7f00:1"),
      v6("2002:7f00:1::1"),
      v6("64:ff9b:1:808:8:800:7f00:1")}; // local-use NAT64, which an RFC 6052 reading takes for 8.8.8.8

  static byte[] v6(String s) {
    try {
      byte[] b = InetAddress.getByName(s).getAddress();
      if (b.length == 4) {
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xFF;
        mapped[11] = (byte) 0xFF;
        System.arraycopy(b, 0, mapped, 12, 4);
        return mapped;
      }
      return b;
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  @Test
  void everyDeniedFormGets403FromCreatePermissionAndChannelBind() throws Exception {
    try (TurnTestClient c = RtcTestServers.udpClient(server, "alice", CLOCK)) {
      c.allocate();
      int channel = 0x4000;
      for (String s : IPV4) {
        TransportAddress a = new TransportAddress(InetAddress.getByName(s).getAddress(), 5000);
        expect403(c.createPermission(a), s);
        expect403(c.channelBind(channel++, a), s);
      }
      for (byte[] ip : IPV6) {
        TransportAddress a = new TransportAddress(ip, 5000);
        expect403(c.createPermission(a), a.toString());
        expect403(c.channelBind(channel++, a), a.toString());
      }
    }
  }

  static void expect403(StunMessage r, String what) {
    assertThat(TurnTestClient.errorCode(r)).as(what).isEqualTo(403);
    assertThat(TurnTestClient.reason(r)).as(what).contains("denied range");
  }

  @Test
  void sendIndicationToADeniedPeerIsDropped() throws Exception {
    TurnServer turn = RtcTestServers.module(server).turnServer();
    try (TurnTestClient c = RtcTestServers.udpClient(server, "bob", CLOCK)) {
      c.allocate();
      long before = turn.metrics().droppedPackets(RtcMetrics.Drop.DENIED_PEER);
      c.send(new TransportAddress(new byte[] {127, 0, 0, 1}, 5000), new byte[] {1});
      await().until(() -> turn.metrics().droppedPackets(RtcMetrics.Drop.DENIED_PEER) > before);
    }
  }
}
