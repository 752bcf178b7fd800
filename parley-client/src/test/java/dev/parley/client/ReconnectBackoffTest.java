package dev.parley.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.client.ConnectionEvent.Cause;
import dev.parley.client.Clients.Pair;
import dev.parley.client.testing.ScriptedServer;
import dev.parley.client.time.ManualScheduler;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Reconnect timing with a clock the test moves: at once after losing a logged-in link, then
 * 2, 4, … 64 s with jitter, reset by a login. Only the scheduler starts an attempt, so "no
 * attempt yet" is exact: {@link ManualScheduler#advanceMillis} reports what it ran.
 */
class ReconnectBackoffTest {
  private final ManualScheduler time = new ManualScheduler();
  private final Clients clients = new Clients();

  @AfterEach
  void close() {
    clients.close();
  }

  private Pair client(int port, Backoff backoff) {
    ClientRuntime rt = clients.runtime(ClientRuntime.builder().scheduler(time));
    return clients.connect(ClientConfig.builder().server("tcp://127.0.0.1:" + port).token("t").runtime(rt)
        .backoff(backoff));
  }

  private static int deadPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /**
   * Moves time to one millisecond before {@code delay} and checks that nothing happened: no timer
   * ran, the only one waiting is the retry, due in exactly 1 ms, and the client (asked on its own
   * thread, so whatever a timer had handed it would have run first) is still WAITING with no new
   * event.
   */
  private void nothingHappensBefore(Pair p, long delay) {
    int events = p.rec().events.size();
    assertThat(time.pendingDelays()).as("only the retry waits").containsExactly(delay);
    assertThat(time.advanceMillis(delay - 1)).as("timers run before the delay").isZero();
    assertThat(time.pendingDelays()).containsExactly(1L);
    assertThat(p.client().state()).isEqualTo(ConnectionState.WAITING);
    assertThat(p.rec().events).hasSize(events);
  }

  /** Waits for the client to report WAITING again and returns its delay. */
  private static long nextWait(Pair p, int before) {
    await().until(() -> p.rec().events.stream().skip(before).anyMatch(e -> e.state() == ConnectionState.WAITING));
    return p.rec().events.stream().skip(before).filter(e -> e.state() == ConnectionState.WAITING).findFirst()
        .orElseThrow().retryInMillis();
  }

  @Test
  void failedAttemptsBackOffExponentiallyUpToTheCap() throws IOException {
    Pair p = client(deadPort(), Backoff.defaults().withRandom(() -> 0.0));
    List<Long> delays = new ArrayList<>();
    int from = 0;
    for (int i = 0; i < 8; i++) {
      long delay = nextWait(p, from);
      delays.add(delay);
      int events = p.rec().events.size();
      // One millisecond early nothing happens; on time the next attempt starts.
      nothingHappensBefore(p, delay);
      assertThat(time.advanceMillis(1)).isEqualTo(1);
      await().until(() -> p.rec().events.size() > events);
      assertThat(p.rec().events.get(events).state()).isEqualTo(ConnectionState.CONNECTING);
      assertThat(p.rec().events.get(events).cause()).isEqualTo(Cause.RETRY);
      from = events;
    }
    assertThat(delays).containsExactly(2000L, 4000L, 8000L, 16000L, 32000L, 64000L, 64000L, 64000L);
  }

  @Test
  void jitterSpreadsEachDelayOverItsLowerHalf() throws IOException {
    java.util.Random seeded = new java.util.Random(7);
    Pair p = client(deadPort(), Backoff.defaults().withRandom(seeded::nextDouble));
    List<Long> delays = new ArrayList<>();
    int from = 0;
    for (int i = 0; i < 6; i++) {
      long delay = nextWait(p, from);
      delays.add(delay);
      int events = p.rec().events.size();
      nothingHappensBefore(p, delay);
      time.advanceMillis(1);
      await().until(() -> p.rec().events.size() > events);
      from = events;
    }
    long nominal = 2000;
    for (long d : delays) {
      assertThat(d).isBetween(nominal / 2, nominal);
      nominal = Math.min(nominal * 2, 64000);
    }
    assertThat(delays).doesNotHaveDuplicates();
  }

  @Test
  void loginResetsTheBackoffAndALostLinkIsRetriedAtOnce() throws Exception {
    try (ScriptedServer server = new ScriptedServer()) {
      Pair p = client(server.port(), Backoff.defaults().withRandom(() -> 0.0));
      // Three attempts fail: the server closes before answering the login.
      int from = 0;
      for (long expected : new long[] {2000, 4000, 8000}) {
        server.next().close();
        assertThat(nextWait(p, from)).isEqualTo(expected);
        from = p.rec().events.size();
        nothingHappensBefore(p, expected);
        time.advanceMillis(1);
      }
      ScriptedServer.Conn c = server.next();
      c.acceptLogin("alice", 240_000);
      await().until(() -> p.rec().state() == ConnectionState.ONLINE);
      assertThat(p.rec().last().failedAttempts()).isZero();

      // The logged-in link drops: the client is back at once, without the clock moving.
      int seen = p.rec().events.size();
      c.close();
      ScriptedServer.Conn again = server.next();
      await().until(() -> p.rec().events.size() >= seen + 2);
      assertThat(p.rec().events.get(seen).cause()).isEqualTo(Cause.LINK_LOST);
      assertThat(p.rec().events.get(seen).retryInMillis()).isZero();
      assertThat(p.rec().events.get(seen + 1).state()).isEqualTo(ConnectionState.CONNECTING);

      // And that attempt failing starts over at 2 s, not where the backoff was before the login.
      int before = p.rec().events.size();
      again.close();
      assertThat(nextWait(p, before)).isEqualTo(2000L);
    }
  }

  @Test
  void reconnectNowSkipsTheWait() throws IOException {
    Pair p = client(deadPort(), Backoff.defaults().withRandom(() -> 0.0));
    nextWait(p, 0);
    int events = p.rec().events.size();
    p.client().reconnectNow();
    await().until(() -> p.rec().events.size() > events);
    assertThat(p.rec().events.get(events).state()).isEqualTo(ConnectionState.CONNECTING);
    assertThat(p.rec().events.get(events).cause()).isEqualTo(Cause.REQUESTED);
    // It failed again: the backoff went on growing, and the new wait is the whole of it.
    long next = nextWait(p, events);
    assertThat(next).isEqualTo(4000L);
    nothingHappensBefore(p, next);
  }
}
