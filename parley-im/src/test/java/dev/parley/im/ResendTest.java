package dev.parley.im;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.core.testing.ManualTime;
import dev.parley.im.testing.ImServer;
import dev.parley.im.testing.ImTestClient;
import dev.parley.im.testing.ImTestClient.Transport;
import dev.parley.protocol.Ids;
import dev.parley.protocol.im.Frame;
import dev.parley.protocol.im.ListConversations;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Pushes not acknowledged within {@code im.ack-timeout} are pushed again, on the server's clock. */
class ResendTest {
  @Test
  void unacknowledgedPushIsPushedAgainEveryAckTimeoutUntilAcknowledged() {
    ManualTime time = new ManualTime();
    try (ImServer s = ImServer.builder().time(time).set("im.ack-timeout", "300ms").start()) {
      ImTestClient a = s.login(Transport.TCP, "ra", "d");
      ImTestClient b = s.login(Transport.TCP, "rb", "d");
      String cid = Ids.direct("ra", "rb");
      a.sendText("rb", "ack me");
      await().atMost(Duration.ofSeconds(5)).until(() -> b.pushedTexts(cid).size() == 1);
      // Just before the timeout nothing is resent (the marker push would come after a resend).
      time.advance(Duration.ofMillis(299));
      a.sendText("rb", "marker-1");
      await().atMost(Duration.ofSeconds(5)).until(() -> b.pushedTexts(cid).contains("marker-1"));
      assertThat(b.pushedTexts(cid)).containsExactly("ack me", "marker-1");
      // At the timeout the first is pushed again, before anything that comes after the moment
      // (so by the server's clock, not the wall's); the marker, pushed 299 ms ago, is not due yet.
      time.advance(Duration.ofMillis(1));
      a.sendText("rb", "marker-2");
      await().atMost(Duration.ofSeconds(5)).until(() -> b.pushedTexts(cid).contains("marker-2"));
      assertThat(b.pushedTexts(cid)).containsExactly("ack me", "marker-1", "ack me", "marker-2");
      // Acknowledged (the answer after the ack shows the server read it): never pushed again.
      b.ack(cid, 3);
      b.call(Frame.newBuilder().setListConversations(ListConversations.getDefaultInstance()));
      time.advance(Duration.ofSeconds(3));
      a.sendText("rb", "marker-3");
      await().atMost(Duration.ofSeconds(5)).until(() -> b.pushedTexts(cid).contains("marker-3"));
      assertThat(b.pushedTexts(cid)).containsExactly("ack me", "marker-1", "ack me", "marker-2", "marker-3");
      assertThat(s.im().metrics().resends.count()).isEqualTo(1.0);
    }
  }
}
