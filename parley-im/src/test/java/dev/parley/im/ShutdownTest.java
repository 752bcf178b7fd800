package dev.parley.im;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.im.testing.ImServer;
import dev.parley.im.testing.ImTestClient;
import dev.parley.im.testing.ImTestClient.Transport;
import dev.parley.protocol.im.Frame;
import dev.parley.protocol.im.Message;
import dev.parley.protocol.im.Sync;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Graceful stop and restart on the same data directory. */
class ShutdownTest {
  @Test
  void stopTellsClientsToReconnectAndEverythingAckedSurvivesARestart() {
    try (ImServer s = ImServer.builder().set("im.shutdown.reconnect-after", "1500ms").start()) {
      ImTestClient a = s.login(Transport.TCP, "sa", "d");
      ImTestClient b = s.login(Transport.WS_JSON, "sb", "d");
      for (int i = 0; i < 50; i++) {
        assertThat(a.sendText("sc", "kept-" + i).hasSendAck()).isTrue();
      }
      s.kernel().stop();
      for (ImTestClient c : List.of(a, b)) {
        Frame goAway = c.nextEvent(Duration.ofSeconds(5));
        assertThat(goAway.getGoAway().getReconnectAfterMs()).isEqualTo(1500);
        await().atMost(Duration.ofSeconds(5)).until(c::isClosed);
      }
      s.kernel().startAgain();
      ImTestClient c = s.login(Transport.TCP, "sc", "d");
      List<Message> got = c.call(Frame.newBuilder().setSync(Sync.getDefaultInstance())).getSyncResult()
          .getMessagesList();
      assertThat(got).hasSize(50);
      assertThat(got.get(49).getText()).isEqualTo("kept-49");
      // Numbering continues after the restart.
      assertThat(s.login(Transport.TCP, "sa", "d").sendText("sc", "after").getSendAck().getSeq()).isEqualTo(51);
    }
  }
}
