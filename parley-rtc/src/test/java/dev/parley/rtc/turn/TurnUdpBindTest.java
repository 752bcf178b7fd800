package dev.parley.rtc.turn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.core.net.ListenerBindException;
import dev.parley.core.testing.ManualTime;
import dev.parley.rtc.testing.RtcTestServers;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** A UDP port another program holds is named as such, like the TCP listeners' (the CLI exits 3). */
class TurnUdpBindTest {
  @Test
  void aTakenUdpPortIsReportedAsInUse() throws Exception {
    try (DatagramSocket holder = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      int port = holder.getLocalPort();
      assertThatThrownBy(() -> RtcTestServers.builder(new ManualTime()).set("rtc.turn.udp.host", "127.0.0.1")
          .set("rtc.turn.udp.port", Integer.toString(port)).start().close())
          .isInstanceOfSatisfying(ListenerBindException.class, e -> {
            assertThat(e.inUse()).isTrue();
            assertThat(e.getMessage())
                .startsWith("port " + port + " (rtc-turn-udp) is already in use");
          });
    }
  }
}
