package dev.parley.im.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.core.testing.ManualTime;
import dev.parley.im.wire.OutFrame;
import dev.parley.im.store.StoredMessage;
import dev.parley.im.store.TestMessages;
import dev.parley.protocol.im.Ack;
import dev.parley.protocol.im.Cursor;
import dev.parley.protocol.im.Frame;
import dev.parley.protocol.im.Message;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class UnackedTest {
  static final Duration TIMEOUT = Duration.ofSeconds(5);

  /** A connection that records what resending does to it; its loop runs on the test thread. */
  static final class RecordingLink implements Unacked.Link {
    final EmbeddedChannel channel = new EmbeddedChannel();
    final List<Frame> written = new ArrayList<>();
    final List<String> slow = new ArrayList<>();
    boolean active = true;
    int flushes;

    @Override
    public ScheduledExecutorService eventLoop() {
      return channel.eventLoop();
    }

    @Override
    public boolean isActive() {
      return active;
    }

    @Override
    public void write(OutFrame frame) {
      written.add(frame.frame());
    }

    @Override
    public void flush() {
      flushes++;
    }

    @Override
    public void slowConsumer(String why) {
      slow.add(why);
    }
  }

  private final ManualTime time = new ManualTime();
  private final RecordingLink link = new RecordingLink();
  private final Counter resends = new SimpleMeterRegistry().counter("resends");
  private final Unacked unacked = new Unacked(link, 5, TIMEOUT, time, resends);

  @AfterEach
  void close() {
    link.channel.finishAndReleaseAll();
  }

  private static StoredMessage msg(String cid, long seq) {
    return TestMessages.stored(cid, seq, "alice", Set.of("alice", "bob"), "m" + seq);
  }

  private static Ack ack(String cid, long seq) {
    return Ack.newBuilder().addCursors(Cursor.newBuilder().setConversation(cid).setSeq(seq)).build();
  }

  private static List<Long> seqs(Frame push) {
    return push.getPush().getMessagesList().stream().map(Message::getSeq).toList();
  }

  @Test
  void upToTheCapIsFineOneMoreIsASlowConsumer() {
    assertThat(unacked.pushed(List.of(msg("c", 1), msg("c", 2), msg("c", 3)))).isTrue();
    assertThat(unacked.pushed(List.of(msg("c", 4), msg("c", 5)))).isTrue();
    assertThat(link.slow).isEmpty();

    assertThat(unacked.pushed(List.of(msg("c", 6)))).isFalse();
    assertThat(link.slow).containsExactly("6 pushed messages unacknowledged");
  }

  @Test
  void ackIsCumulativeAndInclusivePerConversation() {
    unacked.pushed(List.of(msg("a", 1), msg("a", 2), msg("a", 3), msg("b", 7)));

    unacked.ack(ack("a", 2));
    assertThat(unacked.count()).isEqualTo(2);
    unacked.ack(ack("unknown", 100));
    assertThat(unacked.count()).isEqualTo(2);
    unacked.ack(ack("b", 7));
    assertThat(unacked.count()).isEqualTo(1);
    // Acknowledging an old seq again takes nothing more.
    unacked.ack(ack("a", 2));
    assertThat(unacked.count()).isEqualTo(1);

    // What is left is still resent.
    time.advance(TIMEOUT);
    assertThat(link.written.stream().map(UnackedTest::seqs)).containsExactly(List.of(3L));
  }

  @Test
  void acknowledgedConversationsStartAfresh() {
    unacked.pushed(List.of(msg("a", 1)));
    unacked.ack(ack("a", 1));
    unacked.pushed(List.of(msg("a", 2)));

    time.advance(TIMEOUT);

    assertThat(link.written).hasSize(1);
    assertThat(seqs(link.written.get(0))).containsExactly(2L);
  }

  @Test
  void overdueMessagesArePushedAgainOnePushPerConversation() {
    unacked.pushed(List.of(msg("a", 1), msg("a", 2), msg("b", 9)));
    time.advance(TIMEOUT.minusNanos(1));
    assertThat(link.written).isEmpty();

    time.advance(Duration.ofNanos(1));

    assertThat(link.written).hasSize(2);
    assertThat(link.written.stream().map(UnackedTest::seqs)).containsExactlyInAnyOrder(List.of(1L, 2L), List.of(9L));
    assertThat(link.flushes).isEqualTo(1);
    assertThat(resends.count()).isEqualTo(3.0);
  }

  @Test
  void onlyWhatIsOverdueIsPushedAgainAndResendingGoesOn() {
    unacked.pushed(List.of(msg("a", 1)));
    time.advance(Duration.ofSeconds(2));
    unacked.pushed(List.of(msg("a", 2)));

    time.advance(Duration.ofSeconds(3));
    assertThat(link.written.stream().map(UnackedTest::seqs)).containsExactly(List.of(1L));

    // Message 2 falls due at 7 s, message 1 again at 10 s: the timer checks every 5 s.
    time.advance(Duration.ofSeconds(5));
    assertThat(link.written.stream().map(UnackedTest::seqs)).containsExactly(List.of(1L), List.of(1L, 2L));
    assertThat(resends.count()).isEqualTo(3.0);
  }

  @Test
  void nothingIsResentOnceAllIsAcknowledged() {
    unacked.pushed(List.of(msg("a", 1), msg("a", 2)));
    unacked.ack(ack("a", 2));

    assertThat(time.pending()).isZero();
    time.advance(TIMEOUT.multipliedBy(3));
    assertThat(link.written).isEmpty();
    assertThat(link.flushes).isZero();
  }

  @Test
  void nothingIsResentToAClosedConnectionAndTheTimerStops() {
    unacked.pushed(List.of(msg("a", 1)));
    link.active = false;

    time.advance(TIMEOUT);

    assertThat(link.written).isEmpty();
    assertThat(time.pending()).isZero();
  }

  @Test
  void cancelStopsTheTimer() {
    unacked.pushed(List.of(msg("a", 1)));
    unacked.cancel();

    time.advance(TIMEOUT.multipliedBy(2));

    assertThat(link.written).isEmpty();
    // Pushing again starts a new timer.
    unacked.pushed(List.of(msg("a", 2)));
    assertThat(time.pending()).isEqualTo(1);
  }

  @Test
  void oneTimerServesManyPushes() {
    unacked.pushed(List.of(msg("a", 1)));
    unacked.pushed(List.of(msg("a", 2)));
    unacked.pushed(List.of(msg("b", 1)));

    assertThat(time.pending()).isEqualTo(1);
  }

  @Test
  void aCheckWithNothingOverdueWritesAndFlushesNothing() {
    unacked.pushed(List.of(msg("a", 1)));
    time.advance(TIMEOUT);
    assertThat(link.flushes).isEqualTo(1);
    time.advance(Duration.ofSeconds(1));
    unacked.pushed(List.of(msg("a", 2)));
    unacked.ack(ack("a", 1));

    // The check at 10 s finds message 2 pushed 4 s ago: not due yet.
    time.advance(Duration.ofSeconds(4));
    assertThat(link.written).hasSize(1);
    assertThat(link.flushes).isEqualTo(1);
    assertThat(resends.count()).isEqualTo(1.0);

    time.advance(TIMEOUT);
    assertThat(link.written.stream().map(UnackedTest::seqs)).containsExactly(List.of(1L), List.of(2L));
  }
}
