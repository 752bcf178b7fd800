package dev.parley.rtc.turn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.core.testing.ManualTime;
import dev.parley.core.testing.TestKernel;
import dev.parley.rtc.stun.StunMessage;
import dev.parley.rtc.stun.StunMessageBuilder;
import dev.parley.rtc.stun.StunMethod;
import dev.parley.rtc.testing.RtcTestServers;
import dev.parley.rtc.testing.TurnTestClient;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** TCP connections without an allocation are closed after the handshake and idle timeouts, on the server's clock. */
class TurnTcpTimeoutTest {
  static StunMessage binding(TurnTestClient c) {
    return c.exchange(StunMessageBuilder.of(StunMethod.BINDING, StunMethod.REQUEST, TurnTestClient.transactionId())
        .build(null, StunMessageBuilder.Integrity.NONE, true));
  }

  @Test
  void aConnectionWithoutAnAllocationIsClosedAtTheHandshakeTimeout_evenWhileItTalks() {
    ManualTime time = new ManualTime();
    try (TestKernel server = RtcTestServers.builder(time).start();
        TurnTestClient c = RtcTestServers.tcpClient(server, "tom", time);
        TurnTestClient allocated = RtcTestServers.tcpClient(server, "tom", time)) {
      allocated.allocate();
      time.advance(Duration.ofSeconds(29));
      assertThat(binding(c).cls()).as("open at 29 s").isEqualTo(StunMethod.SUCCESS);
      time.advance(Duration.ofSeconds(1));
      assertThat(c.closedByServer(5000)).isTrue();
      assertThat(binding(allocated).cls()).as("an allocation keeps its connection").isEqualTo(StunMethod.SUCCESS);
    }
  }

  @Test
  void aSilentConnectionWithoutAnAllocationIsClosedAtTheIdleTimeout() {
    ManualTime time = new ManualTime();
    try (TestKernel server = RtcTestServers.builder(time).set("rtc.turn.tcp.handshake-timeout", "10m")
        .set("rtc.turn.tcp.idle-timeout", "1m").start();
        TurnTestClient c = RtcTestServers.tcpClient(server, "tim", time);
        TurnTestClient allocated = RtcTestServers.tcpClient(server, "tim", time)) {
      allocated.allocate();
      time.advance(Duration.ofSeconds(50));
      assertThat(binding(c).cls()).isEqualTo(StunMethod.SUCCESS);
      time.advance(Duration.ofSeconds(50));
      assertThat(binding(c).cls()).as("100 s open, but only 50 s silent").isEqualTo(StunMethod.SUCCESS);
      time.advance(Duration.ofSeconds(60));
      assertThat(c.closedByServer(5000)).isTrue();
      time.advance(Duration.ofMinutes(3));
      assertThat(binding(allocated).cls()).as("silent, but it holds an allocation").isEqualTo(StunMethod.SUCCESS);
    }
  }
}
