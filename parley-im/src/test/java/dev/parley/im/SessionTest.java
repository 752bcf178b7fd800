package dev.parley.im;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.im.testing.ImServer;
import dev.parley.im.testing.ImServerExtension;
import dev.parley.im.testing.ImTestClient;
import dev.parley.im.testing.ImTestClient.Transport;
import dev.parley.protocol.im.ErrorCode;
import dev.parley.protocol.im.Frame;
import dev.parley.protocol.im.KickReason;
import dev.parley.protocol.im.ListConversations;
import dev.parley.protocol.im.Login;
import dev.parley.protocol.im.Platform;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Login, tokens, kick policy, heartbeats and timeouts, over every transport. */
class SessionTest {
  @RegisterExtension
  static final ImServerExtension SERVER = new ImServerExtension(
      b -> b.set("im.login-timeout", "500ms").set("im.heartbeat.max-interval", "1s"));

  static ImServer server() {
    return SERVER.server();
  }


  @ParameterizedTest
  @EnumSource(Transport.class)
  void loginWithAValidTokenAnswersLoginOk(Transport t) {
    Frame f = server().connect(t).login(server().token("alice"), "phone-1");
    assertThat(f.hasLoginOk()).isTrue();
    assertThat(f.getLoginOk().getUserId()).isEqualTo("alice");
    assertThat(f.getLoginOk().getIdleTimeoutMs()).isEqualTo(1500);
    assertThat(f.getLoginOk().getMaxHeartbeatIntervalMs()).isEqualTo(1000);
    assertThat(f.getLoginOk().getSessionId()).isNotEmpty();
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void badTokenIsRefusedAndClosed(Transport t) {
    ImTestClient c = server().connect(t);
    Frame f = c.login("not-a-token", "d");
    assertThat(f.getError().getCode()).isEqualTo(ErrorCode.ERROR_CODE_INVALID_TOKEN);
    await().atMost(Duration.ofSeconds(5)).until(c::isClosed);
  }

  @Test
  void expiredTokenIsRefusedAsExpired() {
    String expired = server().kernel().kernel().context().tokens().mint("alice", Duration.ofSeconds(-60));
    ImTestClient c = server().connect(Transport.TCP);
    assertThat(c.login(expired, "d").getError().getCode()).isEqualTo(ErrorCode.ERROR_CODE_TOKEN_EXPIRED);
    await().atMost(Duration.ofSeconds(5)).until(c::isClosed);
  }

  @Test
  void tokenExpiringDuringTheSessionKicksIt() {
    String shortLived = server().kernel().kernel().context().tokens().mint("alice", Duration.ofMillis(1500));
    ImTestClient c = server().connect(Transport.TCP);
    assertThat(c.login(shortLived, "d").hasLoginOk()).isTrue();
    // Heartbeats well inside the idle timeout (1.5 s here, as long as the token lives), so that
    // only the token can end the session.
    List<Frame> events = await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(250))
        .ignoreException(IllegalStateException.class)
        .until(() -> {
          List<Frame> got = c.drainEvents();
          if (got.isEmpty()) {
            c.heartbeat();
          }
          return got;
        }, got -> !got.isEmpty());
    assertThat(events.get(0).getKicked().getReason()).isEqualTo(KickReason.KICK_REASON_TOKEN_EXPIRED);
    await().atMost(Duration.ofSeconds(5)).until(c::isClosed);
  }

  @Test
  void unsupportedProtocolVersionIsRefused() {
    ImTestClient c = server().connect(Transport.TCP);
    Frame f = c.call(Frame.newBuilder().setLogin(Login.newBuilder().setProtocolVersion(99)
        .setToken(server().token("alice")).setDeviceId("d")));
    assertThat(f.getError().getCode()).isEqualTo(ErrorCode.ERROR_CODE_UNSUPPORTED_VERSION);
    assertThat(f.getError().getMessage()).contains("99");
    await().atMost(Duration.ofSeconds(5)).until(c::isClosed);
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void requestBeforeLoginIsRefusedAndClosed(Transport t) {
    ImTestClient c = server().connect(t);
    Frame f = c.call(Frame.newBuilder().setListConversations(ListConversations.getDefaultInstance()));
    assertThat(f.getError().getCode()).isEqualTo(ErrorCode.ERROR_CODE_NOT_LOGGED_IN);
    await().atMost(Duration.ofSeconds(5)).until(c::isClosed);
  }

  @Test
  void secondLoginOnTheSameConnectionIsRefused() {
    ImTestClient c = server().login(Transport.TCP, "alice", "d");
    assertThat(c.login(server().token("alice"), "d").getError().getCode())
        .isEqualTo(ErrorCode.ERROR_CODE_ALREADY_LOGGED_IN);
    assertThat(c.isClosed()).isFalse();
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void connectionThatNeverLogsInIsClosedAfterTheLoginTimeout(Transport t) {
    ImTestClient c = server().connect(t);
    Frame f = c.nextEvent(Duration.ofSeconds(5));
    assertThat(f.getError().getCode()).isEqualTo(ErrorCode.ERROR_CODE_LOGIN_TIMEOUT);
    await().atMost(Duration.ofSeconds(5)).until(c::isClosed);
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void silentConnectionIsClosedAfterTheIdleTimeout(Transport t) {
    ImTestClient c = server().login(t, "idle-" + t, "d");
    Frame f = c.nextEvent(Duration.ofSeconds(10));
    assertThat(f.getError().getCode()).isEqualTo(ErrorCode.ERROR_CODE_IDLE_TIMEOUT);
    await().atMost(Duration.ofSeconds(5)).until(c::isClosed);
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void heartbeatsKeepAConnectionAliveAndAreAnswered(Transport t) {
    ImTestClient c = server().login(t, "beat-" + t, "d");
    long until = System.nanoTime() + Duration.ofMillis(4000).toNanos();
    // Three idle timeouts long, a heartbeat every 500 ms: the connection must stay.
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(500)).until(() -> {
      c.heartbeat();
      return System.nanoTime() > until;
    });
    assertThat(c.isClosed()).isFalse();
    assertThat(c.heartbeatsReceived()).isGreaterThanOrEqualTo(5);
  }

  @Test
  void loginOnTheSameDeviceKicksTheOlderSession() {
    ImTestClient first = server().login(Transport.TCP, "bob", "phone");
    ImTestClient other = server().login(Transport.WS_BINARY, "bob", "laptop");
    server().login(Transport.WS_JSON, "bob", "phone");
    Frame kicked = first.nextEvent(Duration.ofSeconds(5));
    assertThat(kicked.getKicked().getReason()).isEqualTo(KickReason.KICK_REASON_REPLACED);
    await().atMost(Duration.ofSeconds(5)).until(first::isClosed);
    other.heartbeat();
    assertThat(other.isClosed()).isFalse();
    await().atMost(Duration.ofSeconds(5)).until(() -> server().im().directory().sessions("bob").length == 2);
  }

  @Test
  void aLateLoginOnAnOlderConnectionDoesNotReplaceTheDevicesNewerOne() {
    // A client's login waits unanswered (a server under load); it gives up, connects again and
    // logs in on the new connection; then the first login is read after all.
    ImTestClient stale = server().connect(Transport.TCP);
    stale.heartbeat();
    await().atMost(Duration.ofSeconds(5)).until(() -> stale.heartbeatsReceived() == 1);
    ImTestClient current = server().login(Transport.TCP, "late", "phone");
    java.util.concurrent.CompletableFuture<Frame> answer = stale.request(Frame.newBuilder().setLogin(
        dev.parley.protocol.im.Login.newBuilder().setProtocolVersion(1).setToken(server().token("late"))
            .setDeviceId("phone")));
    assertThat(stale.nextEvent(Duration.ofSeconds(5)).getKicked().getReason())
        .isEqualTo(KickReason.KICK_REASON_REPLACED);
    await().atMost(Duration.ofSeconds(5)).until(stale::isClosed);
    assertThat(answer.handle((f, e) -> f != null && f.hasLoginOk()).getNow(false)).isFalse();
    // The newer connection keeps its session.
    current.heartbeat();
    await().atMost(Duration.ofSeconds(5)).until(() -> current.heartbeatsReceived() == 1);
    assertThat(current.drainEvents()).noneMatch(Frame::hasKicked);
    assertThat(current.isClosed()).isFalse();
    assertThat(server().im().directory().sessions("late")).hasSize(1);
    assertThat(current.sendText("someone", "still here").hasSendAck()).isTrue();
  }

  @Test
  void samePlatformPolicyKicksTheOlderSessionOfThatPlatform() {
    try (ImServer s = ImServer.builder().set("im.kick-policy", "same-platform").start()) {
      ImTestClient a = s.connect(Transport.TCP);
      a.login(s.token("carol"), "phone-a", Platform.PLATFORM_IOS);
      ImTestClient web = s.connect(Transport.TCP);
      web.login(s.token("carol"), "browser", Platform.PLATFORM_WEB);
      ImTestClient b = s.connect(Transport.TCP);
      b.login(s.token("carol"), "phone-b", Platform.PLATFORM_IOS);
      assertThat(a.nextEvent(Duration.ofSeconds(5)).getKicked().getReason()).isEqualTo(KickReason.KICK_REASON_REPLACED);
      await().atMost(Duration.ofSeconds(5)).until(() -> s.im().directory().sessions("carol").length == 2);
      assertThat(web.isClosed()).isFalse();
    }
  }

  @Test
  void nonePolicyKeepsEverySession() {
    try (ImServer s = ImServer.builder().set("im.kick-policy", "none").start()) {
      ImTestClient a = s.login(Transport.TCP, "dave", "same");
      s.login(Transport.TCP, "dave", "same");
      s.login(Transport.TCP, "dave", "same");
      await().atMost(Duration.ofSeconds(5)).until(() -> s.im().directory().sessions("dave").length == 3);
      assertThat(a.drainEvents()).isEmpty();
    }
  }

  @Test
  void logoutAnswersOkAndCloses() {
    ImTestClient c = server().login(Transport.TCP, "erin", "d");
    Frame f = c.call(Frame.newBuilder().setLogout(dev.parley.protocol.im.Logout.getDefaultInstance()));
    assertThat(f.hasOk()).isTrue();
    await().atMost(Duration.ofSeconds(5)).until(c::isClosed);
    await().atMost(Duration.ofSeconds(5)).until(() -> !server().im().directory().isOnline("erin"));
  }
}
