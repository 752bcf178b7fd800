package dev.parley.im;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.core.testing.ManualTime;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Login, tokens, kick policy, heartbeats and timeouts, over every transport. The server runs on a
 * hand-moved clock: timeouts happen when a test advances it, never by waiting.
 */
class SessionTest {
  static final ManualTime TIME = new ManualTime();

  @RegisterExtension
  static final ImServerExtension SERVER = new ImServerExtension(b -> b.time(TIME).set("im.login-timeout", "500ms")
      .set("im.heartbeat.max-interval", "1s").set("auth.jwt.clock-skew", "5s"));

  static ImServer server() {
    return SERVER.server();
  }

  /**
   * A heartbeat and its answer: the server has read everything sent before it and is still
   * serving the connection (a connection it closed answers nothing).
   */
  static void roundTrip(ImTestClient c) {
    int before = c.heartbeatsReceived();
    c.heartbeat();
    await().atMost(Duration.ofSeconds(5)).until(() -> c.heartbeatsReceived() > before);
  }

  /** Moves the server's clock in steps, the client heartbeating after each, and checks it stays. */
  static void keepAliveFor(ImTestClient c, Duration total, Duration step) {
    keepAliveUntil(c, TIME.now().plus(total), step);
  }

  static void keepAliveUntil(ImTestClient c, java.time.Instant until, Duration step) {
    while (TIME.now().isBefore(until)) {
      Duration left = Duration.between(TIME.now(), until);
      TIME.advance(left.compareTo(step) < 0 ? left : step);
      roundTrip(c);
    }
    assertThat(c.drainEvents()).isEmpty();
  }

  /** Until when the server accepts {@code token}: its exp (whole seconds, as JWT has it) plus the skew. */
  static java.time.Instant validUntil(String token) throws Exception {
    var tokens = server().kernel().kernel().context().tokens();
    return tokens.validUntil(tokens.verify(token).expiresAt());
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
  void tokenExpiringDuringTheSessionKicksItOnceTheClockSkewHasPassedToo() throws Exception {
    String shortLived = server().kernel().kernel().context().tokens().mint("alice", Duration.ofSeconds(2));
    ImTestClient c = server().connect(Transport.TCP);
    assertThat(c.login(shortLived, "d").hasLoginOk()).isTrue();
    // Valid until exp + the 5 s skew, as at login; heartbeats keep the idle timeout away.
    keepAliveUntil(c, validUntil(shortLived), Duration.ofMillis(500));
    TIME.advance(Duration.ofMillis(200));
    assertThat(c.nextEvent(Duration.ofSeconds(5)).getKicked().getReason())
        .isEqualTo(KickReason.KICK_REASON_TOKEN_EXPIRED);
    await().atMost(Duration.ofSeconds(5)).until(c::isClosed);
  }

  @Test
  void tokenThatExpiredWithinTheClockSkewIsAcceptedAndNotKickedAtOnce() throws Exception {
    String justExpired = server().kernel().kernel().context().tokens().mint("alice", Duration.ofSeconds(-2));
    ImTestClient c = server().connect(Transport.TCP);
    assertThat(c.login(justExpired, "d").hasLoginOk()).isTrue();
    // Accepted because of the 5 s skew, so the session lasts until exp + 5 s (2-3 s from now), not 0.
    assertThat(validUntil(justExpired)).isAfter(TIME.now().plusSeconds(1));
    keepAliveUntil(c, validUntil(justExpired), Duration.ofMillis(500));
    TIME.advance(Duration.ofMillis(200));
    assertThat(c.nextEvent(Duration.ofSeconds(5)).getKicked().getReason())
        .isEqualTo(KickReason.KICK_REASON_TOKEN_EXPIRED);
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
    roundTrip(c);
    // Heartbeats do not stand in for a login: the timeout counts from the connect.
    TIME.advance(Duration.ofMillis(450));
    roundTrip(c);
    assertThat(c.drainEvents()).isEmpty();
    TIME.advance(Duration.ofMillis(150));
    Frame f = c.nextEvent(Duration.ofSeconds(5));
    assertThat(f.getError().getCode()).isEqualTo(ErrorCode.ERROR_CODE_LOGIN_TIMEOUT);
    await().atMost(Duration.ofSeconds(5)).until(c::isClosed);
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void silentConnectionIsClosedAfterTheIdleTimeout(Transport t) {
    ImTestClient c = server().login(t, "idle-" + t, "d");
    // 1.5 s idle timeout: just inside it the connection is still served...
    TIME.advance(Duration.ofMillis(1450));
    roundTrip(c);
    // ...and once silent for longer, it is closed.
    TIME.advance(Duration.ofMillis(1600));
    Frame f = c.nextEvent(Duration.ofSeconds(5));
    assertThat(f.getError().getCode()).isEqualTo(ErrorCode.ERROR_CODE_IDLE_TIMEOUT);
    await().atMost(Duration.ofSeconds(5)).until(c::isClosed);
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void heartbeatsKeepAConnectionAliveAndAreAnswered(Transport t) {
    ImTestClient c = server().login(t, "beat-" + t, "d");
    // Almost three idle timeouts long, a heartbeat every 500 ms: every one answered, none closing it.
    keepAliveFor(c, Duration.ofSeconds(4), Duration.ofMillis(500));
    assertThat(c.heartbeatsReceived()).isEqualTo(8);
    assertThat(c.isClosed()).isFalse();
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
    roundTrip(stale);
    TIME.advance(Duration.ofMillis(1));
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
  void sessionsBeyondTheCapKickTheOldestWithItsOwnReason() {
    try (ImServer s = ImServer.builder().time(new ManualTime()).set("im.kick-policy", "none")
        .set("im.max-sessions-per-user", "2").start()) {
      ImTestClient oldest = s.login(Transport.TCP, "capped", "a");
      ImTestClient second = s.login(Transport.TCP, "capped", "b");
      s.login(Transport.TCP, "capped", "c");
      Frame kicked = oldest.nextEvent(Duration.ofSeconds(5));
      assertThat(kicked.getKicked().getReason()).isEqualTo(KickReason.KICK_REASON_TOO_MANY_SESSIONS);
      assertThat(kicked.getKicked().getMessage()).contains("2 sessions").doesNotContain("logged in again");
      await().atMost(Duration.ofSeconds(5)).until(oldest::isClosed);
      // A request answered after the kick: anything meant for this session would have come first.
      assertThat(second.call(Frame.newBuilder().setListConversations(ListConversations.getDefaultInstance()))
          .hasConversationList()).isTrue();
      assertThat(second.drainEvents()).isEmpty();
      assertThat(s.im().directory().sessions("capped")).hasSize(2);
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
