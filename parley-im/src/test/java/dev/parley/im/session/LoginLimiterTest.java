package dev.parley.im.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.core.testing.ManualTime;
import java.net.InetAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LoginLimiterTest {
  private final ManualTime time = new ManualTime();
  // One login each 100 ms, and a burst of 2 on top: 3 at once, then one per 100 ms.
  private final LoginLimiter limiter = new LoginLimiter(10, 2, time);
  private final InetAddress ip = InetAddress.getLoopbackAddress();

  @Test
  void burstIsAdmittedAtOnceThenTheSteadyRate() {
    assertThat(limiter.acquire(ip)).isZero();
    assertThat(limiter.acquire(ip)).isZero();
    assertThat(limiter.acquire(ip)).isZero();
    // The next one is admissible in 100 ms; the answer rounds up.
    assertThat(limiter.acquire(ip)).isEqualTo(101);

    time.advance(Duration.ofMillis(99));
    assertThat(limiter.acquire(ip)).isEqualTo(2);
    time.advance(Duration.ofMillis(1));
    assertThat(limiter.acquire(ip)).isZero();
    assertThat(limiter.acquire(ip)).isEqualTo(101);
  }

  @Test
  void refusedAttemptsDoNotPushTheNextSlotBack() {
    limiter.acquire(ip);
    limiter.acquire(ip);
    limiter.acquire(ip);
    for (int i = 0; i < 10; i++) {
      assertThat(limiter.acquire(ip)).isEqualTo(101);
    }
    time.advance(Duration.ofMillis(100));
    assertThat(limiter.acquire(ip)).isZero();
  }

  @Test
  void quietAddressGetsItsWholeBurstBack() {
    for (int i = 0; i < 3; i++) {
      limiter.acquire(ip);
    }
    time.advance(Duration.ofSeconds(10));
    assertThat(limiter.acquire(ip)).isZero();
    assertThat(limiter.acquire(ip)).isZero();
    assertThat(limiter.acquire(ip)).isZero();
    assertThat(limiter.acquire(ip)).isPositive();
  }

  @Test
  void addressesAreLimitedApart() throws Exception {
    InetAddress other = InetAddress.getByAddress(new byte[] {10, 0, 0, 1});
    for (int i = 0; i < 3; i++) {
      limiter.acquire(ip);
    }
    assertThat(limiter.acquire(ip)).isPositive();
    assertThat(limiter.acquire(other)).isZero();
  }

  @Test
  void unknownAddressIsNotLimited() {
    for (int i = 0; i < 10; i++) {
      assertThat(limiter.acquire(null)).isZero();
    }
    assertThat(limiter.tracked()).isZero();
  }

  @Test
  void expireForgetsOnlyAddressesWhoseBurstIsWhole() throws Exception {
    InetAddress other = InetAddress.getByAddress(new byte[] {10, 0, 0, 1});
    limiter.acquire(ip);
    time.advance(Duration.ofMillis(50));
    limiter.acquire(other);
    time.advance(Duration.ofMillis(60));
    // ip's one login was 110 ms ago (its slot is free again), other's 60 ms ago.
    limiter.expire();
    assertThat(limiter.tracked()).isEqualTo(1);
    time.advance(Duration.ofMillis(50));
    limiter.expire();
    assertThat(limiter.tracked()).isZero();
  }
}
