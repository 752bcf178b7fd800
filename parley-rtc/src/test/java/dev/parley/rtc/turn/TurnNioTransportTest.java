package dev.parley.rtc.turn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.core.testing.TestKernel;
import dev.parley.core.testing.ManualTime;
import dev.parley.core.time.TimeSource;
import dev.parley.rtc.stun.TransportAddress;
import dev.parley.rtc.testing.RtcTestServers.Peer;
import dev.parley.rtc.testing.RtcTestServers;
import dev.parley.rtc.testing.TurnTestClient;
import org.junit.jupiter.api.Test;

/** The relay on the NIO transport (servers without epoll): one listener socket, plain reads. */
class TurnNioTransportTest {
  @Test
  void relaysChannelDataBothWaysOnNio() {
    TimeSource clock = new ManualTime();
    try (TestKernel server = RtcTestServers.builder(clock).set("server.native-transport", "false").start();
        TurnTestClient c = RtcTestServers.udpClient(server, "nio", clock); Peer peer = new Peer()) {
      TransportAddress relayed = c.allocate();
      c.expectSuccess(c.channelBind(0x4444, TransportAddress.of(peer.address())));
      c.channelData(0x4444, new byte[] {1, 2});
      assertThat(peer.receive(3000).getData()).containsExactly(1, 2);
      peer.send(relayed.toSocketAddress(), new byte[] {3});
      TurnTestClient.Received r = c.receive(3000);
      assertThat(r.channel()).isEqualTo(0x4444);
      assertThat(r.data()).containsExactly(3);
    }
  }
}
