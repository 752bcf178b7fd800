package dev.parley.im;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.core.testing.ManualTime;
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
  static Frame.Builder list() {
    return Frame.newBuilder().setListConversations(ListConversations.getDefaultInstance());
  }

  @Test
  void requestsOverTheConnectionRateAreRefusedWithRetryAfter() {
    ManualTime time = new ManualTime();
    try (ImServer s = ImServer.builder().time(time).set("im.rate.requests-per-second", "5")
        .set("im.rate.burst", "5").start()) {
      ImTestClient c = s.login(Transport.TCP, "rl", "d");
      List<CompletableFuture<Frame>> answers = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        answers.add(c.request(list()));
      }
      List<Frame> got = answers.stream().map(CompletableFuture::join).toList();
      // The clock stands still: one request at the rate (every 200 ms) plus a burst of 5 more.
      assertThat(got.subList(0, 6)).allMatch(Frame::hasConversationList);
      assertThat(got.subList(6, 30)).allMatch(f -> f.getError().getCode() == ErrorCode.ERROR_CODE_RATE_LIMITED);
      assertThat(got.get(6).getError().getRetryAfterMs()).isEqualTo(201);
      assertThat(c.isClosed()).isFalse();
      // Just before the retry time: still refused; at it, one more goes through, and only one.
      time.advance(Duration.ofMillis(199));
      assertThat(c.call(list()).getError().getCode()).isEqualTo(ErrorCode.ERROR_CODE_RATE_LIMITED);
      time.advance(Duration.ofMillis(2));
      assertThat(c.call(list()).hasConversationList()).isTrue();
      assertThat(c.call(list()).getError().getCode()).isEqualTo(ErrorCode.ERROR_CODE_RATE_LIMITED);
    }
  }

  @Test
  void loginsOverThePerIpRateAreRefused() {
    ManualTime time = new ManualTime();
    try (ImServer s = ImServer.builder().time(time).set("im.rate.logins-per-second-per-ip", "1")
        .set("im.rate.login-burst-per-ip", "3").start()) {
      List<Frame> got = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        got.add(s.connect(Transport.TCP).login(s.token("u" + i), "d"));
      }
      // One login at the rate plus a burst of three; the rest refused and closed.
      assertThat(got.subList(0, 4)).allMatch(Frame::hasLoginOk);
      assertThat(got.subList(4, 8)).allMatch(f -> f.getError().getCode() == ErrorCode.ERROR_CODE_RATE_LIMITED
          && f.getError().getRetryAfterMs() > 0);
      time.advance(Duration.ofSeconds(1));
      assertThat(s.connect(Transport.TCP).login(s.token("later"), "d").hasLoginOk()).isTrue();
      assertThat(s.connect(Transport.TCP).login(s.token("later2"), "d").hasError()).isTrue();
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

      // Over the limit on WebSocket: the same Error as on TCP, then the close (1009, message too big).
      ImTestClient wsHuge = s.login(Transport.WS_BINARY, "wsh", "d");
      try {
        wsHuge.sendRaw(new byte[200 * 1024]);
      } catch (IllegalStateException closedWhileSending) {
        // The server may close before the client finishes writing; either way it must tell and close.
      }
      Frame tooLarge = wsHuge.nextEvent(Duration.ofSeconds(5));
      assertThat(tooLarge.getError().getCode()).isEqualTo(ErrorCode.ERROR_CODE_FRAME_TOO_LARGE);
      assertThat(tooLarge.getError().getMessage()).contains("131072");
      await().atMost(Duration.ofSeconds(5)).until(wsHuge::isClosed);
      assertThat(wsHuge.closeStatus()).isEqualTo(1009);

      ImTestClient jsonHuge = s.login(Transport.WS_JSON, "wsj", "d");
      try {
        jsonHuge.sendText("x".repeat(200 * 1024));
      } catch (IllegalStateException closedWhileSending) {
        // as above
      }
      // A JSON client is told in JSON.
      int textBefore = jsonHuge.textMessagesReceived();
      assertThat(jsonHuge.nextEvent(Duration.ofSeconds(5)).getError().getCode())
          .isEqualTo(ErrorCode.ERROR_CODE_FRAME_TOO_LARGE);
      assertThat(jsonHuge.textMessagesReceived()).isEqualTo(textBefore + 1);
      assertThat(jsonHuge.binaryMessagesReceived()).isZero();
      await().atMost(Duration.ofSeconds(5)).until(jsonHuge::isClosed);
      assertThat(jsonHuge.closeStatus()).isEqualTo(1009);

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
