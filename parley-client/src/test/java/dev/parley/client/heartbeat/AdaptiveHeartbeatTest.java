package dev.parley.client.heartbeat;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The adaptive policy on its own, driven with the outcomes a network would give. */
class AdaptiveHeartbeatTest {
  private static AdaptiveHeartbeat.Builder seconds() {
    return HeartbeatPolicy.adaptive().minInterval(Duration.ofSeconds(30)).maxInterval(Duration.ofMinutes(10))
        .step(Duration.ofSeconds(30)).successesBeforeProbe(3).safetyMargin(Duration.ofSeconds(10));
  }

  /** Plays a network that drops mappings idle longer than {@code natTimeout}; returns the beats sent. */
  private static int run(AdaptiveHeartbeat hb, long natTimeout, int beats) {
    for (int i = 0; i < beats; i++) {
      long interval = hb.intervalMillis();
      if (interval < natTimeout) {
        hb.onHeartbeatAnswered(interval);
      } else {
        hb.onHeartbeatLost(interval);
      }
    }
    return beats;
  }

  @Test
  void probesUpwardAndSettlesBelowTheNatTimeout() {
    AdaptiveHeartbeat hb = seconds().build();
    hb.onLogin(Duration.ofMinutes(4).toMillis());
    assertThat(hb.intervalMillis()).isEqualTo(30_000);
    hb.onHeartbeatAnswered(30_000);
    hb.onHeartbeatAnswered(30_000);
    assertThat(hb.intervalMillis()).isEqualTo(30_000);
    hb.onHeartbeatAnswered(30_000);
    assertThat(hb.intervalMillis()).isEqualTo(60_000);

    // A NAT that forgets after 100 s: 90 s works, 120 s fails; settle at 90 - 10.
    run(hb, 100_000, 40);
    assertThat(hb.snapshot().settled()).isTrue();
    assertThat(hb.intervalMillis()).isEqualTo(80_000);
  }

  @Test
  void noNatLimitSettlesAtTheServersCeiling() {
    AdaptiveHeartbeat hb = seconds().build();
    hb.onLogin(Duration.ofMinutes(2).toMillis());
    run(hb, Long.MAX_VALUE, 30);
    assertThat(hb.snapshot()).isEqualTo(new AdaptiveHeartbeat.Snapshot("default", 120_000, true, 120_000));
  }

  @Test
  void rememberedPerNetworkAndUnknownNetworksAreProbedAfresh() {
    HeartbeatMemory memory = HeartbeatMemory.inMemory();
    AdaptiveHeartbeat hb = seconds().memory(memory).build();
    hb.onLogin(600_000);
    hb.onNetworkChanged("wifi-home");
    run(hb, 200_000, 60);
    long home = hb.intervalMillis();
    assertThat(home).isLessThan(200_000).isGreaterThanOrEqualTo(200_000 - 30_000 - 10_000 - 30_000);

    hb.onNetworkChanged("cell-carrier");
    assertThat(hb.snapshot().settled()).isFalse();
    assertThat(hb.intervalMillis()).isEqualTo(30_000);
    run(hb, 70_000, 40);
    assertThat(hb.intervalMillis()).isEqualTo(50_000);

    hb.onNetworkChanged("wifi-home");
    assertThat(hb.snapshot()).isEqualTo(new AdaptiveHeartbeat.Snapshot("wifi-home", home, true, home));
    // A new process with the same memory starts where the old one stopped.
    AdaptiveHeartbeat later = seconds().memory(memory).build();
    later.onNetworkChanged("cell-carrier");
    assertThat(later.intervalMillis()).isEqualTo(50_000);
  }

  @Test
  void aSettledIntervalThatKeepsFailingStepsDown() {
    AdaptiveHeartbeat hb = seconds().failuresBeforeDemote(2).build();
    hb.onLogin(600_000);
    run(hb, 100_000, 40);
    assertThat(hb.intervalMillis()).isEqualTo(80_000);
    // The carrier now forgets after 70 s.
    hb.onHeartbeatLost(80_000);
    assertThat(hb.intervalMillis()).isEqualTo(80_000);
    hb.onHeartbeatLost(80_000);
    assertThat(hb.intervalMillis()).isEqualTo(50_000);
  }

  @Test
  void aFailureAfterASilenceThatWorkedBeforeTeachesNothing() {
    AdaptiveHeartbeat hb = seconds().build();
    hb.onLogin(600_000);
    run(hb, 100_000, 9);
    assertThat(hb.intervalMillis()).isEqualTo(120_000);
    // Lost after 40 s of silence (the link died for another reason): keep probing.
    hb.onHeartbeatLost(40_000);
    assertThat(hb.snapshot().settled()).isFalse();
    assertThat(hb.intervalMillis()).isEqualTo(120_000);
  }

  @Test
  void foregroundUsesItsOwnIntervalAndTeachesNothing() {
    AdaptiveHeartbeat hb = seconds().foregroundInterval(Duration.ofSeconds(20)).build();
    hb.onLogin(600_000);
    hb.onForeground(true);
    assertThat(hb.intervalMillis()).isEqualTo(20_000);
    for (int i = 0; i < 10; i++) {
      hb.onHeartbeatAnswered(20_000);
    }
    hb.onForeground(false);
    assertThat(hb.intervalMillis()).isEqualTo(30_000);
  }
}
