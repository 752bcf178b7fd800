package dev.parley.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.client.ConnectionEvent.Cause;
import dev.parley.client.Clients.Pair;
import dev.parley.client.heartbeat.HeartbeatPolicy;
import dev.parley.client.time.ManualScheduler;
import dev.parley.core.testing.ManualTime;
import dev.parley.im.testing.ImServer;
import dev.parley.im.testing.ImServerExtension;
import dev.parley.im.testing.ImTestClient;
import dev.parley.protocol.im.ErrorCode;
import dev.parley.protocol.im.KickReason;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Heartbeats against the server's idle timeout, kicks, logout: the SDK on a real server. What must
 * not happen later is checked by moving the client's manual clock past every backoff; heartbeats
 * by moving the client's and the server's manual clocks on together.
 */
class SessionLifecycleTest {
  /**
   * The default idle timeout (6 min) on real time, for the tests of what clients on the manual
   * clock do not do: they send no heartbeat until the test moves their time, and this server must
   * not cut them meanwhile.
   */
  @RegisterExtension
  static final ImServerExtension SERVER = new ImServerExtension();
  private final Clients clients = new Clients();

  @AfterEach
  void close() {
    clients.close();
  }

  /**
   * A runtime on a clock the test moves, for clients whose point is what they do NOT do later:
   * moving it past every backoff and checking the client on its own thread is exact.
   */
  private final ManualScheduler time = new ManualScheduler();

  private ClientRuntime manual() {
    return clients.runtime(ClientRuntime.builder().scheduler(time));
  }

  /**
   * Moves the manual clock well past the longest backoff (64 s), then asks the client on its own
   * thread, after whatever a timer handed it: still offline, no new event.
   */
  private void staysOfflineForGood(Pair p) {
    int events = p.rec().events.size();
    time.advance(Duration.ofMinutes(2));
    assertThat(p.client().state()).isEqualTo(ConnectionState.OFFLINE);
    assertThat(p.rec().events).hasSize(events);
  }

  private static int sessions(ImServer server, String user) {
    return server.http().admin("GET", "/api/v1/users/" + user + "/sessions", null).json().get("sessions").size();
  }

  /** A fixed heartbeat that counts its answers. */
  private static final class Counted implements HeartbeatPolicy {
    final HeartbeatPolicy fixed;
    final AtomicInteger answered = new AtomicInteger();

    Counted(Duration interval) {
      fixed = HeartbeatPolicy.fixed(interval);
    }

    @Override
    public long intervalMillis() {
      return fixed.intervalMillis();
    }

    @Override
    public void onHeartbeatAnswered(long idleMillis) {
      answered.incrementAndGet();
    }
  }

  /**
   * Moves the client's and the server's clocks on together, one heartbeat at a time: the client's
   * time to its next heartbeat (which must be {@code interval} away), then, once the server has
   * answered it, the server's time by as much. Returns the server time that went by.
   */
  private Duration lockstep(Pair p, Counted hb, ManualTime serverTime, long interval, int beats) {
    for (int i = 0; i < beats; i++) {
      int answered = hb.answered.get();
      assertThat(time.nextDelay()).as("heartbeat %d due in", i).isEqualTo(interval);
      time.advanceMillis(interval);
      await().until(() -> hb.answered.get() > answered);
      serverTime.advance(Duration.ofMillis(interval));
    }
    return Duration.ofMillis(interval * beats);
  }

  /** A server whose idle timeout is 900 ms (1.5 x 600 ms) of a clock the test moves. */
  private static ImServer strictServer(ManualTime serverTime) {
    return ImServer.builder().set("im.heartbeat.max-interval", "600ms").time(serverTime).start();
  }

  @Test
  void heartbeatKeepsAnIdleConnectionAlivePastTheIdleTimeout() {
    ManualTime serverTime = new ManualTime();
    try (ImServer server = strictServer(serverTime)) {
      Counted hb = new Counted(Duration.ofMillis(300));
      Pair quiet = clients.tcp(server, server.tcpPort(), "hb-a", b -> b.runtime(manual()).heartbeat(hb));
      await().until(() -> quiet.rec().state() == ConnectionState.ONLINE);
      String session = quiet.rec().last().sessionId();
      // A raw connection that sends nothing, beside it.
      ImTestClient raw = server.login(ImTestClient.Transport.TCP, "hb-raw", "raw");

      // Ten heartbeats: three seconds, more than three idle timeouts.
      assertThat(lockstep(quiet, hb, serverTime, 300, 10)).isGreaterThan(Duration.ofMillis(3 * 900));
      // The silent connection was closed by its idle timeout...
      await().until(raw::isClosed);
      assertThat(raw.drainEvents()).anyMatch(f -> f.getError().getCode() == ErrorCode.ERROR_CODE_IDLE_TIMEOUT);
      // ...while the SDK's, idle but for heartbeats, is the same session still.
      assertThat(quiet.client().state()).isEqualTo(ConnectionState.ONLINE);
      assertThat(quiet.rec().logins()).isEqualTo(1);
      assertThat(quiet.rec().last().sessionId()).isEqualTo(session);
      assertThat(sessions(server, "hb-a")).isEqualTo(1);
    }
  }

  @Test
  void heartbeatIsNeverLongerThanTheServerAllows() {
    ManualTime serverTime = new ManualTime();
    try (ImServer server = strictServer(serverTime)) {
      // Asked for 10 minutes; the server allows 600 ms, so that is what the client uses.
      Counted hb = new Counted(Duration.ofMinutes(10));
      Pair lazy = clients.tcp(server, server.tcpPort(), "hb-b", b -> b.runtime(manual()).heartbeat(hb));
      await().until(() -> lazy.rec().state() == ConnectionState.ONLINE);
      lockstep(lazy, hb, serverTime, 600, 5);
      assertThat(lazy.client().state()).isEqualTo(ConnectionState.ONLINE);
      assertThat(lazy.rec().logins()).isEqualTo(1);
    }
  }

  @Test
  void kickedClientDoesNotReconnect() {
    Pair first = clients.tcp(SERVER.server(), SERVER.server().tcpPort(), "kick-a", b -> b.deviceId("phone").runtime(manual()));
    await().until(() -> first.rec().state() == ConnectionState.ONLINE);
    // The same user logs in on the same device: the server replaces the older session.
    Pair second = clients.tcp(SERVER.server(), SERVER.server().tcpPort(), "kick-a", b -> b.deviceId("phone"));
    await().until(() -> second.rec().state() == ConnectionState.ONLINE);
    await().until(() -> first.rec().kicked.size() == 1);
    assertThat(first.rec().kicked.get(0).getReason()).isEqualTo(KickReason.KICK_REASON_REPLACED);
    assertThat(first.rec().last().cause()).isEqualTo(Cause.KICKED);
    // Had the first reconnected, the two would now be kicking each other in turn.
    await().until(() -> first.rec().state() == ConnectionState.OFFLINE);
    staysOfflineForGood(first);
    assertThat(first.rec().logins()).isEqualTo(1);
    assertThat(second.rec().logins()).isEqualTo(1);
    assertThat(second.rec().state()).isEqualTo(ConnectionState.ONLINE);
    assertThat(sessions(SERVER.server(), "kick-a")).isEqualTo(1);
  }

  @Test
  void adminKickEndsTheSessionForGood() {
    Pair p = clients.tcp(SERVER.server(), SERVER.server().tcpPort(), "kick-b", b -> b.runtime(manual()));
    await().until(() -> p.rec().state() == ConnectionState.ONLINE);
    assertThat(SERVER.server().http().admin("DELETE", "/api/v1/users/kick-b/sessions", null).status()).isLessThan(300);
    await().until(() -> p.rec().kicked.size() == 1);
    assertThat(p.rec().kicked.get(0).getReason()).isEqualTo(KickReason.KICK_REASON_ADMIN);
    await().until(() -> p.rec().state() == ConnectionState.OFFLINE);
    staysOfflineForGood(p);
    assertThat(sessions(SERVER.server(), "kick-b")).isZero();
    // The app may decide to come back.
    p.client().connect();
    await().until(() -> p.rec().state() == ConnectionState.ONLINE);
  }

  @Test
  void logoutEndsTheSessionAndFailsWhatWasQueued() {
    Pair p = clients.tcp(SERVER.server(), SERVER.server().tcpPort(), "out-a", b -> b.runtime(manual()));
    await().until(() -> p.rec().state() == ConnectionState.ONLINE);
    p.client().logout().join();
    assertThat(p.client().state()).isEqualTo(ConnectionState.OFFLINE);
    assertThat(p.rec().last().cause()).isEqualTo(Cause.LOGGED_OUT);
    await().until(() -> sessions(SERVER.server(), "out-a") == 0);
    PendingSend s = p.client().sendText("bob", "after logout");
    // Sending does not bring a logged-out client back, however long one waits.
    staysOfflineForGood(p);
    assertThat(s.result()).isNotDone();
  }

  @Test
  void invalidTokenIsReportedAndNotRetried() {
    Pair p = clients.connect(ClientConfig.builder().server("tcp://127.0.0.1:" + SERVER.server().tcpPort())
        .token("not-a-jwt").runtime(manual()));
    await().until(() -> p.rec().state() == ConnectionState.OFFLINE && !p.rec().events.isEmpty());
    assertThat(p.rec().last().cause()).isEqualTo(Cause.AUTH_FAILED);
    assertThat(((ParleyException) p.rec().last().error()).code()).isEqualTo(ErrorCode.ERROR_CODE_INVALID_TOKEN);
    await().until(() -> p.rec().events.size() == 2);
    staysOfflineForGood(p);
  }
}
