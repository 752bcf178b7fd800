package dev.parley.core.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.core.testing.ManualTime;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ManualTimeTest {
  final ManualTime time = new ManualTime();
  final EventLoop loop = new DefaultEventLoop();
  final List<String> ran = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() {
    loop.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
  }

  @Test
  void timersRunOnlyWhenTimeReachesThemInDueOrderOnTheirExecutor() {
    time.schedule(loop, () -> ran.add("b@" + time.elapsed().toMillis() + (loop.inEventLoop() ? " on loop" : "")),
        Duration.ofMillis(200));
    time.schedule(loop, () -> ran.add("a@" + time.elapsed().toMillis()), Duration.ofMillis(100));
    time.advance(Duration.ofMillis(99));
    assertThat(ran).isEmpty();
    time.advance(Duration.ofMillis(150));
    assertThat(ran).containsExactly("a@100", "b@200 on loop");
    assertThat(time.elapsed()).isEqualTo(Duration.ofMillis(249));
  }

  @Test
  void clocksMoveTogether() {
    long n0 = time.nanoTime();
    time.advance(Duration.ofSeconds(3));
    assertThat(time.nanoTime() - n0).isEqualTo(Duration.ofSeconds(3).toNanos());
    assertThat(time.now()).isEqualTo(ManualTime.DEFAULT_START.plusSeconds(3));
    assertThat(time.clock().millis()).isEqualTo(ManualTime.DEFAULT_START.plusSeconds(3).toEpochMilli());
  }

  @Test
  void periodicTimerRunsOncePerPeriodUntilCancelled() {
    Cancellable c = time.every(loop, () -> ran.add("tick@" + time.elapsed().toMillis()), Duration.ofMillis(10));
    time.advance(Duration.ofMillis(35));
    assertThat(ran).containsExactly("tick@10", "tick@20", "tick@30");
    assertThat(c.cancel()).isTrue();
    time.advance(Duration.ofMillis(100));
    assertThat(ran).hasSize(3);
    assertThat(time.pending()).isZero();
  }

  @Test
  void cancelledTimerNeverRunsAndCancelAfterRunningSaysSo() {
    Cancellable never = time.schedule(loop, () -> ran.add("never"), Duration.ofMillis(10));
    Cancellable once = time.schedule(loop, () -> ran.add("once"), Duration.ofMillis(5));
    assertThat(never.cancel()).isTrue();
    time.advance(Duration.ofMillis(20));
    assertThat(ran).containsExactly("once");
    assertThat(once.cancel()).isFalse();
  }

  @Test
  void timerSetByATimerRunsInTheSameAdvanceWhenDue() {
    time.schedule(loop, () -> {
      ran.add("first@" + time.elapsed().toMillis());
      time.schedule(loop, () -> ran.add("second@" + time.elapsed().toMillis()), Duration.ofMillis(5));
    }, Duration.ofMillis(10));
    time.advance(Duration.ofMillis(20));
    assertThat(ran).containsExactly("first@10", "second@15");
  }

  @Test
  void aTimerThatThrowsFailsTheAdvance() {
    time.schedule(loop, () -> {
      throw new IllegalStateException("boom");
    }, Duration.ofMillis(1));
    assertThatThrownBy(() -> time.advance(Duration.ofMillis(2))).hasRootCauseMessage("boom");
  }

  @Test
  void zeroDelayRunsWithoutAdvancing() throws Exception {
    time.schedule(loop, () -> ran.add("now"), Duration.ZERO);
    loop.submit(() -> { }).get();
    assertThat(ran).containsExactly("now");
  }
}
