package dev.parley.rtc.turn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.core.testing.ManualTime;
import dev.parley.core.testing.TestKernel;
import dev.parley.rtc.testing.RtcTestServers;
import dev.parley.rtc.testing.TurnTestClient;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** With the default quota a user gets relays for every peer connection of a full default-size room. */
class TurnRoomQuotaTest {
  @Test
  void aBrowserInAFullDefaultRoomGetsEveryAllocation() {
    ManualTime time = new ManualTime();
    List<TurnTestClient> clients = new ArrayList<>();
    try (TestKernel server = RtcTestServers.builder(time).start()) {
      // rtc.room.default-capacity 8: 7 peer connections, each with a UDP and a TCP TURN URL.
      int needed = (8 - 1) * 2;
      for (int i = 0; i < needed; i++) {
        TurnTestClient c = i % 2 == 0 ? RtcTestServers.udpClient(server, "ann", time)
            : RtcTestServers.tcpClient(server, "ann", time);
        clients.add(c);
        c.allocate();
      }
      assertThat(RtcTestServers.module(server).turnServer().allocationsOf("ann")).isEqualTo(needed);
    } finally {
      clients.forEach(TurnTestClient::close);
    }
  }
}
