package dev.parley.mqtt.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.core.testing.ManualTime;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The deadlines of connections on one timer per event loop: each connection times out at exactly
 * its deadline, however many share the timer, whatever moves their deadlines.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ConnectionsTest {
  final ManualTime time = new ManualTime();
  final Connections connections = new Connections(time);
  final ImmediateEventExecutor loop = ImmediateEventExecutor.INSTANCE;
  final List<Conn> timedOut = new ArrayList<>();

  /** A connection whose deadline is {@code limit} after its last packet. */
  final class Conn implements Connections.Timed {
    long limitNanos;
    long lastPacket = time.nanoTime();
    boolean done;
    boolean shutDown;
    int slot = -1;

    Conn(Duration limit) {
      this.limitNanos = limit.toNanos();
    }

    void packet() {
      lastPacket = time.nanoTime();
    }

    @Override
    public long dueNanos() {
      return done ? Long.MAX_VALUE : lastPacket + limitNanos;
    }

    @Override
    public void timedOut() {
      done = true;
      timedOut.add(this);
    }

    @Override
    public void shutdown() {
      shutDown = true;
    }

    @Override
    public Future<?> closeFuture() {
      return loop.newSucceededFuture(null);
    }

    @Override
    public int slot() {
      return slot;
    }

    @Override
    public void slot(int slot) {
      this.slot = slot;
    }
  }

  Conn open(Duration limit) {
    Conn c = new Conn(limit);
    connections.add(loop, c);
    return c;
  }

  @Test
  void aSilentConnectionTimesOutAtExactlyItsDeadline() {
    Conn c = open(Duration.ofSeconds(3));
    time.advance(Duration.ofSeconds(3).minusNanos(1));
    assertThat(timedOut).isEmpty();
    time.advance(Duration.ofNanos(1));
    assertThat(timedOut).containsExactly(c);
    // It stays open (and counted) until it is removed, but is never due again.
    assertThat(connections.open()).isOne();
    time.advance(Duration.ofDays(1));
    assertThat(timedOut).hasSize(1);
  }

  @Test
  void everyPacketStartsTheLimitAgainWithoutATimerOfItsOwn() {
    Conn c = open(Duration.ofSeconds(3));
    time.advance(Duration.ofMillis(2999));
    c.packet();
    time.advance(Duration.ofMillis(2999));
    c.packet();
    time.advance(Duration.ofMillis(2999));
    assertThat(timedOut).isEmpty();
    assertThat(time.pending()).isOne();
    time.advance(Duration.ofMillis(1));
    assertThat(timedOut).containsExactly(c);
  }

  @Test
  void oneTimerServesEveryConnectionOfALoop() {
    for (int i = 0; i < 1000; i++) {
      open(Duration.ofSeconds(10 + i));
    }
    assertThat(time.pending()).isOne();
    assertThat(connections.open()).isEqualTo(1000);
  }

  @Test
  void aConnectionDueBeforeTheTimerSetsItEarlier() {
    Conn late = open(Duration.ofSeconds(10));
    Conn early = open(Duration.ofSeconds(2));
    time.advance(Duration.ofSeconds(2));
    assertThat(timedOut).containsExactly(early);
    time.advance(Duration.ofSeconds(8));
    assertThat(timedOut).containsExactly(early, late);
  }

  @Test
  void aDeadlineMovedEarlierCountsOnceTheHeapIsTold() {
    // A CONNECT timeout of 10 s, then CONNECT after 1 s: a keepalive limit of 3 s from then.
    Conn c = open(Duration.ofSeconds(10));
    time.advance(Duration.ofSeconds(1));
    c.packet();
    c.limitNanos = Duration.ofSeconds(3).toNanos();
    connections.changed(loop, c);
    time.advance(Duration.ofSeconds(3).minusNanos(1));
    assertThat(timedOut).isEmpty();
    time.advance(Duration.ofNanos(1));
    assertThat(timedOut).containsExactly(c);
  }

  @Test
  void connectionsTimeOutInDeadlineOrderWhateverWasRemoved() {
    // Distinct limits from 1 s to 500 s, in random order.
    List<Integer> seconds = new ArrayList<>();
    for (int i = 1; i <= 500; i++) {
      seconds.add(i);
    }
    Collections.shuffle(seconds, new Random(7));
    List<Conn> all = new ArrayList<>();
    for (int s : seconds) {
      all.add(open(Duration.ofSeconds(s)));
    }
    List<Conn> removed = new ArrayList<>();
    for (int i = 0; i < 500; i += 3) {
      connections.remove(loop, all.get(i));
      removed.add(all.get(i));
    }
    // Some get packets; their deadlines move later (by half a second: still all distinct).
    time.advance(Duration.ofMillis(500));
    for (int i = 1; i < 500; i += 5) {
      all.get(i).packet();
    }
    List<Conn> expected = new ArrayList<>(all);
    expected.removeAll(removed);
    expected.sort((a, b) -> Long.compare(a.dueNanos(), b.dueNanos()));
    for (Conn c : expected) {
      time.advance(Duration.ofNanos(Math.max(0, c.dueNanos() - time.nanoTime())));
      assertThat(timedOut).last().isSameAs(c);
    }
    assertThat(timedOut).hasSameSizeAs(expected);
    assertThat(connections.open()).isEqualTo(expected.size());
    assertThat(removed).noneMatch(c -> c.done);
  }

  @Test
  void shutdownReachesEveryOpenConnection() {
    Conn a = open(Duration.ofSeconds(5));
    Conn b = open(Duration.ofSeconds(5));
    Conn gone = open(Duration.ofSeconds(5));
    connections.remove(loop, gone);
    connections.shutdownAll(Duration.ofSeconds(1));
    assertThat(a.shutDown).isTrue();
    assertThat(b.shutDown).isTrue();
    assertThat(gone.shutDown).isFalse();
  }
}
