package dev.parley.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.client.ConnectionEvent.Cause;
import dev.parley.client.Clients.Pair;
import dev.parley.client.heartbeat.HeartbeatPolicy;
import dev.parley.im.testing.ImServer;
import dev.parley.im.testing.ImServerExtension;
import dev.parley.im.testing.ImTestClient;
import dev.parley.protocol.im.ErrorCode;
import dev.parley.protocol.im.KickReason;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Heartbeats against the server's idle timeout, kicks, logout: the SDK on a real server. */
class SessionLifecycleTest {
  /** Idle timeout 900 ms (1.5 × 600 ms). */
  @RegisterExtension
  static final ImServerExtension SERVER = new ImServerExtension(b -> b.set("im.heartbeat.max-interval", "600ms"));
  private final Clients clients = new Clients();

  @AfterEach
  void close() {
    clients.close();
  }

  private ImServer server() {
    return SERVER.server();
  }

  private int sessions(String user) {
    return server().http().admin("GET", "/api/v1/users/" + user + "/sessions", null).json().get("sessions").size();
  }

  @Test
  void heartbeatKeepsAnIdleConnectionAlivePastTheIdleTimeout() {
    Pair quiet = clients.tcp(server(), server().tcpPort(), "hb-a",
        b -> b.heartbeat(HeartbeatPolicy.fixed(Duration.ofMillis(300))));
    await().until(() -> quiet.rec().state() == ConnectionState.ONLINE);
    String session = quiet.rec().last().sessionId();

    // A raw connection that sends nothing is closed by the same server within its idle timeout...
    ImTestClient raw = server().login(ImTestClient.Transport.TCP, "hb-raw", "raw");
    await().atMost(Duration.ofSeconds(5)).until(raw::isClosed);
    assertThat(raw.drainEvents()).anyMatch(f -> f.getError().getCode() == ErrorCode.ERROR_CODE_IDLE_TIMEOUT);

    // ...while the SDK's connection, idle but for heartbeats, stays up over many idle timeouts.
    await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
        .until(() -> quiet.rec().state() == ConnectionState.ONLINE && quiet.rec().logins() == 1);
    assertThat(quiet.rec().last().sessionId()).isEqualTo(session);
    assertThat(sessions("hb-a")).isEqualTo(1);
  }

  @Test
  void heartbeatIsNeverLongerThanTheServerAllows() {
    // Asked for 10 minutes; the server allows 600 ms, so that is what the client uses.
    Pair lazy = clients.tcp(server(), server().tcpPort(), "hb-b",
        b -> b.heartbeat(HeartbeatPolicy.fixed(Duration.ofMinutes(10))));
    await().until(() -> lazy.rec().state() == ConnectionState.ONLINE);
    await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
        .until(() -> lazy.rec().state() == ConnectionState.ONLINE && lazy.rec().logins() == 1);
  }

  @Test
  void kickedClientDoesNotReconnect() {
    Pair first = clients.tcp(server(), server().tcpPort(), "kick-a", b -> b.deviceId("phone"));
    await().until(() -> first.rec().state() == ConnectionState.ONLINE);
    // The same user logs in on the same device: the server replaces the older session.
    Pair second = clients.tcp(server(), server().tcpPort(), "kick-a", b -> b.deviceId("phone"));
    await().until(() -> second.rec().state() == ConnectionState.ONLINE);
    await().until(() -> first.rec().kicked.size() == 1);
    assertThat(first.rec().kicked.get(0).getReason()).isEqualTo(KickReason.KICK_REASON_REPLACED);
    assertThat(first.rec().last().cause()).isEqualTo(Cause.KICKED);
    // Had the first reconnected, the two would now be kicking each other in turn.
    await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4))
        .until(() -> first.rec().state() == ConnectionState.OFFLINE && first.rec().logins() == 1
            && second.rec().logins() == 1 && second.rec().state() == ConnectionState.ONLINE);
    assertThat(sessions("kick-a")).isEqualTo(1);
  }

  @Test
  void adminKickEndsTheSessionForGood() {
    Pair p = clients.tcp(server(), "kick-b");
    await().until(() -> p.rec().state() == ConnectionState.ONLINE);
    assertThat(server().http().admin("DELETE", "/api/v1/users/kick-b/sessions", null).status()).isLessThan(300);
    await().until(() -> p.rec().kicked.size() == 1);
    assertThat(p.rec().kicked.get(0).getReason()).isEqualTo(KickReason.KICK_REASON_ADMIN);
    await().during(Duration.ofSeconds(1)).until(() -> p.rec().state() == ConnectionState.OFFLINE);
    assertThat(sessions("kick-b")).isZero();
    // The app may decide to come back.
    p.client().connect();
    await().until(() -> p.rec().state() == ConnectionState.ONLINE);
  }

  @Test
  void logoutEndsTheSessionAndFailsWhatWasQueued() {
    Pair p = clients.tcp(server(), "out-a");
    await().until(() -> p.rec().state() == ConnectionState.ONLINE);
    p.client().logout().join();
    assertThat(p.client().state()).isEqualTo(ConnectionState.OFFLINE);
    assertThat(p.rec().last().cause()).isEqualTo(Cause.LOGGED_OUT);
    await().until(() -> sessions("out-a") == 0);
    PendingSend s = p.client().sendText("bob", "after logout");
    await().during(Duration.ofSeconds(1)).until(() -> p.rec().state() == ConnectionState.OFFLINE);
    assertThat(s.result()).isNotDone();
  }

  @Test
  void invalidTokenIsReportedAndNotRetried() {
    Pair p = clients.connect(ClientConfig.builder().server("tcp://127.0.0.1:" + server().tcpPort())
        .token("not-a-jwt"));
    await().until(() -> p.rec().state() == ConnectionState.OFFLINE && !p.rec().events.isEmpty());
    assertThat(p.rec().last().cause()).isEqualTo(Cause.AUTH_FAILED);
    assertThat(((ParleyException) p.rec().last().error()).code()).isEqualTo(ErrorCode.ERROR_CODE_INVALID_TOKEN);
    await().during(Duration.ofSeconds(1)).until(() -> p.rec().events.size() == 2);
  }
}
