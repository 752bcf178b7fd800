package dev.parley.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.client.Clients.Pair;
import dev.parley.client.heartbeat.AdaptiveHeartbeat;
import dev.parley.client.heartbeat.HeartbeatPolicy;
import dev.parley.client.testing.FaultProxy;
import dev.parley.client.time.ManualScheduler;
import dev.parley.im.testing.ImServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The adaptive heartbeat behind a proxy that, like a carrier NAT, silently forgets connections
 * idle for 1.5 s: it probes up to that, loses one connection finding it, and settles below it.
 *
 * <p>The client's timers and the NAT's idea of idleness run on one {@link ManualScheduler}: the
 * test moves time from one timer to the next and, before moving on, waits for what that timer
 * started to play out on the real sockets (the heartbeat answered, the NAT swallowing it, or the
 * reconnect after its timeout). So every interval is exact and no outcome depends on how fast the
 * machine is.
 */
class AdaptiveHeartbeatProxyTest {
  private static final long NAT_TIMEOUT = 1500;
  private static final long STEP = 400;
  /** No interval the policy can pick is this long, so a pending task of this delay is the timeout. */
  private static final long HEARTBEAT_TIMEOUT = 1100;

  private final ManualScheduler time = new ManualScheduler();

  /** The adaptive policy, with what it was told counted. */
  private static final class Watched implements HeartbeatPolicy {
    final AdaptiveHeartbeat policy;
    final AtomicInteger answered = new AtomicInteger();
    final AtomicInteger lost = new AtomicInteger();

    Watched(AdaptiveHeartbeat policy) {
      this.policy = policy;
    }

    @Override
    public long intervalMillis() {
      return policy.intervalMillis();
    }

    @Override
    public void onLogin(long serverMaxMillis) {
      policy.onLogin(serverMaxMillis);
    }

    @Override
    public void onHeartbeatAnswered(long idleMillis) {
      policy.onHeartbeatAnswered(idleMillis);
      answered.incrementAndGet();
    }

    @Override
    public void onHeartbeatLost(long idleMillis) {
      policy.onHeartbeatLost(idleMillis);
      lost.incrementAndGet();
    }

    @Override
    public void onNetworkChanged(String networkId) {
      policy.onNetworkChanged(networkId);
    }

    @Override
    public void onForeground(boolean foreground) {
      policy.onForeground(foreground);
    }
  }

  /** What one step of time led to. */
  private enum Outcome { ANSWERED, SWALLOWED, RECONNECTED, NOTHING }

  /**
   * Moves time to the next timer and waits until what it set off is over: a heartbeat answered
   * or swallowed by the NAT, a heartbeat timeout's reconnect logged in.
   */
  private Outcome step(Pair p, Watched hb, FaultProxy nat) {
    int answered = hb.answered.get();
    int lost = hb.lost.get();
    int swallowed = nat.idleDropped();
    long logins = p.rec().logins();
    long next = time.nextDelay();
    assertThat(next).as("a timer waits").isGreaterThanOrEqualTo(0);
    time.advanceMillis(next);
    // Asked on the client's thread: the timer's work, handed there, has run.
    p.client().state();
    if (hb.lost.get() > lost) {
      await().until(() -> p.rec().logins() > logins && p.rec().state() == ConnectionState.ONLINE);
      return Outcome.RECONNECTED;
    }
    if (!time.pendingDelays().contains(HEARTBEAT_TIMEOUT)) {
      // No heartbeat out: none was sent, or it was answered already (the answer cancels the
      // timeout before the policy hears of it, in one task on the client's thread: wait it out).
      p.client().state();
      return hb.answered.get() > answered ? Outcome.ANSWERED : Outcome.NOTHING;
    }
    await().until(() -> hb.answered.get() > answered || nat.idleDropped() > swallowed);
    return hb.answered.get() > answered ? Outcome.ANSWERED : Outcome.SWALLOWED;
  }

  @Test
  void findsTheNatTimeoutAndSettlesBelowIt() {
    try (ImServer server = ImServer.builder().set("im.heartbeat.max-interval", "10s").start();
        FaultProxy nat = FaultProxy.start(server::tcpPort, time);
        Clients clients = new Clients()) {
      nat.idleTimeout(Duration.ofMillis(NAT_TIMEOUT));
      AdaptiveHeartbeat adaptive = HeartbeatPolicy.adaptive().minInterval(Duration.ofMillis(STEP))
          .step(Duration.ofMillis(STEP)).successesBeforeProbe(2).safetyMargin(Duration.ofMillis(200)).build();
      Watched hb = new Watched(adaptive);
      ClientRuntime rt = clients.runtime(ClientRuntime.builder().scheduler(time));
      Pair p = clients.tcp(server, nat.port(), "nat-a", b -> b.runtime(rt).heartbeat(hb)
          .heartbeatTimeout(Duration.ofMillis(HEARTBEAT_TIMEOUT)));
      await().until(() -> p.rec().state() == ConnectionState.ONLINE);

      // Probing: 400 ms twice, 800 twice, 1200 twice, then 1600, which the NAT swallows.
      List<Outcome> outcomes = new ArrayList<>();
      for (int i = 0; i < 40 && !adaptive.snapshot().settled(); i++) {
        outcomes.add(step(p, hb, nat));
      }
      assertThat(adaptive.snapshot().settled()).as("settled after %s", outcomes).isTrue();
      assertThat(outcomes).containsExactly(Outcome.ANSWERED, Outcome.ANSWERED, Outcome.ANSWERED, Outcome.ANSWERED,
          Outcome.ANSWERED, Outcome.ANSWERED, Outcome.SWALLOWED, Outcome.RECONNECTED);
      long settled = adaptive.snapshot().settledMillis();
      assertThat(settled).isEqualTo(1200 - 200);
      assertThat(nat.idleDropped()).isEqualTo(1);
      assertThat(hb.lost.get()).isEqualTo(1);
      assertThat(p.rec().events).filteredOn(e -> e.cause() == ConnectionEvent.Cause.HEARTBEAT_TIMEOUT).hasSize(1);

      // Settled, the connection now lives on: ten more heartbeats at 1 s, each answered, no loss.
      long logins = p.rec().logins();
      for (int i = 0; i < 10; i++) {
        assertThat(time.nextDelay()).isEqualTo(settled);
        assertThat(step(p, hb, nat)).isEqualTo(Outcome.ANSWERED);
      }
      assertThat(p.rec().logins()).isEqualTo(logins);
      assertThat(nat.idleDropped()).isEqualTo(1);
      // And it still carries messages.
      Pair other = clients.tcp(server, "nat-b");
      await().until(() -> other.rec().state() == ConnectionState.ONLINE);
      other.client().sendText("nat-a", "through the NAT").result().join();
      await().until(() -> p.rec().messages.size() == 1);

      // Another network: a fresh connection at once, and probing starts over there...
      long before = p.rec().logins();
      p.client().networkChanged("cell");
      await().until(() -> p.rec().logins() == before + 1);
      assertThat(p.rec().events).anyMatch(e -> e.cause() == ConnectionEvent.Cause.NETWORK_CHANGED);
      assertThat(adaptive.snapshot().network()).isEqualTo("cell");
      assertThat(adaptive.snapshot().settled()).isFalse();
      assertThat(adaptive.snapshot().intervalMillis()).isEqualTo(STEP);
      // ...while the first network's interval is remembered for when the device is back on it.
      p.client().networkChanged(AdaptiveHeartbeat.DEFAULT_NETWORK);
      await().until(() -> p.rec().logins() == before + 2);
      assertThat(adaptive.snapshot().settledMillis()).isEqualTo(settled);
      assertThat(adaptive.snapshot().settled()).isTrue();
    }
  }
}
