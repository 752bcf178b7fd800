package dev.parley.im;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.im.testing.ImServer;
import dev.parley.im.testing.ImTestClient;
import dev.parley.im.testing.ImTestClient.Transport;
import dev.parley.protocol.Varint;
import dev.parley.protocol.im.ErrorCode;
import dev.parley.protocol.im.Frame;
import dev.parley.protocol.im.ListConversations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Rate limits, connection caps, and bad input that must not disturb anyone else. */
class LimitsTest {
  @Test
  void requestsOverTheConnectionRateAreRefusedWithRetryAfter() {
    try (ImServer s = ImServer.builder().set("im.rate.requests-per-second", "5").set("im.rate.burst", "5").start()) {
      ImTestClient c = s.login(Transport.TCP, "rl", "d");
      List<CompletableFuture<Frame>> answers = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        answers.add(c.request(Frame.newBuilder().setListConversations(ListConversations.getDefaultInstance())));
      }
      List<Frame> limited = answers.stream().map(CompletableFuture::join).filter(Frame::hasError).toList();
      assertThat(limited).isNotEmpty();
      assertThat(limited.get(0).getError().getCode()).isEqualTo(ErrorCode.ERROR_CODE_RATE_LIMITED);
      assertThat(limited.get(0).getError().getRetryAfterMs()).isPositive();
      assertThat(c.isClosed()).isFalse();
      await().atMost(Duration.ofSeconds(5)).until(() ->
          c.call(Frame.newBuilder().setListConversations(ListConversations.getDefaultInstance())).hasConversationList());
    }
  }

  @Test
  void loginsOverThePerIpRateAreRefused() {
    try (ImServer s = ImServer.builder().set("im.rate.logins-per-second-per-ip", "1")
        .set("im.rate.login-burst-per-ip", "3").start()) {
      int refused = 0;
      for (int i = 0; i < 8; i++) {
        Frame f = s.connect(Transport.TCP).login(s.token("u" + i), "d");
        if (f.hasError()) {
          assertThat(f.getError().getCode()).isEqualTo(ErrorCode.ERROR_CODE_RATE_LIMITED);
          refused++;
        }
      }
      assertThat(refused).isGreaterThanOrEqualTo(4);
    }
  }

  @Test
  void connectionsOverThePerIpCapAreToldAndClosed() {
    try (ImServer s = ImServer.builder().set("im.tcp.max-connections-per-ip", "2").start()) {
      ImTestClient a = s.login(Transport.TCP, "c1", "d");
      s.login(Transport.TCP, "c2", "d");
      ImTestClient third = s.connect(Transport.TCP);
      assertThat(third.nextEvent(Duration.ofSeconds(5)).getError().getCode())
          .isEqualTo(ErrorCode.ERROR_CODE_TOO_MANY_CONNECTIONS);
      await().atMost(Duration.ofSeconds(5)).until(third::isClosed);
      a.close();
      await().atMost(Duration.ofSeconds(5)).until(() -> s.connect(Transport.TCP).login(s.token("c3"), "d").hasLoginOk());
    }
  }

  @Test
  void oversizeAndMalformedFramesCloseOnlyTheirConnection() {
    try (ImServer s = ImServer.builder().set("im.max-frame-size", "128KiB").start()) {
      ImTestClient bystander = s.login(Transport.TCP, "by", "d").autoAck(true);
      ImTestClient friend = s.login(Transport.WS_BINARY, "fr", "d");

      ImTestClient big = s.login(Transport.TCP, "big", "d");
      byte[] prefix = new byte[5];
      int n = Varint.write(prefix, 0, 10 << 20);
      big.sendRaw(java.util.Arrays.copyOf(prefix, n));
      assertThat(big.nextEvent(Duration.ofSeconds(5)).getError().getCode()).isEqualTo(ErrorCode.ERROR_CODE_FRAME_TOO_LARGE);
      await().atMost(Duration.ofSeconds(5)).until(big::isClosed);

      ImTestClient garbage = s.login(Transport.TCP, "garbage", "d");
      garbage.sendRaw(new byte[] {0x04, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF});
      assertThat(garbage.nextEvent(Duration.ofSeconds(5)).getError().getCode())
          .isEqualTo(ErrorCode.ERROR_CODE_PROTOCOL_ERROR);
      await().atMost(Duration.ofSeconds(5)).until(garbage::isClosed);

      ImTestClient wsGarbage = s.login(Transport.WS_BINARY, "wsg", "d");
      wsGarbage.sendRaw(new byte[] {(byte) 0xFF, (byte) 0xFF, 0x01});
      assertThat(wsGarbage.nextEvent(Duration.ofSeconds(5)).getError().getCode())
          .isEqualTo(ErrorCode.ERROR_CODE_PROTOCOL_ERROR);

      ImTestClient badJson = s.login(Transport.WS_JSON, "bj", "d");
      badJson.sendText("{\"req\": 1, \"send\": ");
      assertThat(badJson.nextEvent(Duration.ofSeconds(5)).getError().getCode())
          .isEqualTo(ErrorCode.ERROR_CODE_PROTOCOL_ERROR);

      ImTestClient wsHuge = s.login(Transport.WS_BINARY, "wsh", "d");
      try {
        wsHuge.sendRaw(new byte[200 * 1024]);
      } catch (IllegalStateException closedWhileSending) {
        // The server may close before the client finishes writing; either way it must close.
      }
      await().atMost(Duration.ofSeconds(5)).until(wsHuge::isClosed);

      assertThat(friend.sendText("by", "all good").hasSendAck()).isTrue();
      await().atMost(Duration.ofSeconds(5)).until(() -> bystander.pushedTexts("u:by:fr").contains("all good"));
      assertThat(bystander.isClosed()).isFalse();
      assertThat(friend.isClosed()).isFalse();
    }
  }

  @Test
  void clientThatNeverAcknowledgesIsClosedAsASlowConsumer() {
    try (ImServer s = ImServer.builder().set("im.max-unacked", "20").set("im.rate.requests-per-second", "10000")
        .set("im.rate.burst", "10000").start()) {
      ImTestClient lazy = s.login(Transport.TCP, "lazy", "d");
      ImTestClient sender = s.login(Transport.TCP, "busy", "d");
      for (int i = 0; i < 30 && !lazy.isClosed(); i++) {
        sender.sendText("lazy", "m" + i);
      }
      await().atMost(Duration.ofSeconds(5)).until(lazy::isClosed);
      assertThat(lazy.drainEvents()).anyMatch(f -> f.hasError()
          && f.getError().getCode() == ErrorCode.ERROR_CODE_SLOW_CONSUMER);
      assertThat(s.im().metrics().slowConsumers.count()).isEqualTo(1.0);
    }
  }
}
