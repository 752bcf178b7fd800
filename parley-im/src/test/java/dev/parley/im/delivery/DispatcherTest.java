package dev.parley.im.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import dev.parley.core.spi.OfflineDeliveryHook;
import dev.parley.core.spi.ServiceRegistry;
import dev.parley.im.session.KickPolicy;
import dev.parley.im.metrics.ImMetrics;
import dev.parley.im.session.LocalDirectory;
import dev.parley.im.store.StoredMessage;
import dev.parley.im.store.TestMessages;
import dev.parley.im.testing.RecordingSession;
import dev.parley.protocol.Ids;
import dev.parley.protocol.im.Frame;
import dev.parley.protocol.im.Message;
import dev.parley.protocol.im.Platform;
import dev.parley.protocol.im.Typing;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DispatcherTest {
  static final String AB = Ids.direct("alice", "bob");
  static final Set<String> BOTH = Set.of("alice", "bob");

  private final EmbeddedChannel loop1 = new EmbeddedChannel();
  private final EmbeddedChannel loop2 = new EmbeddedChannel();
  private final LocalDirectory directory = new LocalDirectory(t -> {});
  private final ServiceRegistry services = new ServiceRegistry();
  private final ImMetrics metrics = new ImMetrics(new SimpleMeterRegistry(), () -> 0, () -> 0, () -> 0, () -> 0);
  private final OfflineNotifier offline = new OfflineNotifier(services, metrics, 100);
  private final Dispatcher dispatcher = new Dispatcher(directory, offline);
  private final RecordingSession alice1 = online("alice", "a1", loop1);
  private final RecordingSession alice2 = online("alice", "a2", loop2);
  private final RecordingSession bob = online("bob", "b1", loop1);

  @AfterEach
  void close() {
    offline.close();
    loop1.finishAndReleaseAll();
    loop2.finishAndReleaseAll();
  }

  private RecordingSession online(String user, String device, EmbeddedChannel loop) {
    RecordingSession s = new RecordingSession(user, device, Platform.PLATFORM_WEB, 0, loop.eventLoop());
    directory.register(s, KickPolicy.SAME_DEVICE, 10);
    return s;
  }

  private static StoredMessage msg(String cid, long seq, String sender, Set<String> recipients) {
    return TestMessages.stored(cid, seq, sender, recipients, "m" + seq);
  }

  private void commit() {
    dispatcher.afterCommit();
    loop1.runPendingTasks();
    loop2.runPendingTasks();
  }

  private static List<List<Long>> pushes(RecordingSession s) {
    return s.frames.stream().filter(Frame::hasPush)
        .map(f -> f.getPush().getMessagesList().stream().map(Message::getSeq).toList()).toList();
  }

  @Test
  void messageGoesToEveryDeviceOfEveryRecipientButTheOneThatSentIt() {
    StoredMessage m = msg(AB, 1, "alice", BOTH);
    dispatcher.deliver(m, alice1);

    commit();

    assertThat(alice1.frames).isEmpty();
    assertThat(alice1.flushes).isZero();
    assertThat(pushes(alice2)).containsExactly(List.of(1L));
    assertThat(pushes(bob)).containsExactly(List.of(1L));
    assertThat(bob.pushed).containsExactly(m);
    assertThat(bob.flushes).isEqualTo(1);
  }

  @Test
  void nothingIsWrittenUntilTheSessionsOwnLoopRuns() {
    dispatcher.deliver(msg(AB, 1, "alice", BOTH), null);

    dispatcher.afterCommit();
    assertThat(bob.frames).isEmpty();
    loop1.runPendingTasks();
    assertThat(pushes(bob)).containsExactly(List.of(1L));
    assertThat(alice2.frames).isEmpty();
    loop2.runPendingTasks();
    assertThat(pushes(alice2)).containsExactly(List.of(1L));
  }

  @Test
  void aConversationsMessagesWithTheSameRecipientsTravelInOnePush() {
    StoredMessage m1 = msg(AB, 1, "alice", BOTH);
    StoredMessage m2 = msg(AB, 2, "alice", BOTH);
    dispatcher.deliver(m1, null);
    dispatcher.deliver(m2, null);

    commit();

    assertThat(pushes(bob)).containsExactly(List.of(1L, 2L));
    assertThat(bob.pushed).containsExactly(m1, m2);
    assertThat(bob.flushes).isEqualTo(1);
  }

  @Test
  void aChangeOfRecipientsStartsANewPush() {
    String group = Ids.group("g1");
    // Bob left between the two messages: the store hands the second one a new set of recipients.
    dispatcher.deliver(msg(group, 1, "alice", Set.of("alice", "bob")), null);
    Set<String> afterLeaving = Set.of("alice");
    dispatcher.deliver(msg(group, 2, "alice", afterLeaving), null);
    dispatcher.deliver(msg(group, 3, "alice", afterLeaving), null);

    commit();

    assertThat(pushes(alice1)).containsExactly(List.of(1L), List.of(2L, 3L));
    assertThat(pushes(bob)).containsExactly(List.of(1L));
  }

  @Test
  void interleavedConversationsKeepTheirOwnOrder() {
    String group = Ids.group("g1");
    Set<String> members = Set.of("alice", "bob");
    dispatcher.deliver(msg(AB, 1, "alice", BOTH), null);
    dispatcher.deliver(msg(group, 1, "alice", members), null);
    dispatcher.deliver(msg(AB, 2, "alice", BOTH), null);

    commit();

    assertThat(bob.frames).hasSize(2);
    assertThat(bob.frames.get(0).getPush().getMessagesList()).extracting(Message::getConversation, Message::getSeq)
        .containsExactly(tuple(AB, 1L), tuple(AB, 2L));
    assertThat(bob.frames.get(1).getPush().getMessagesList()).extracting(Message::getConversation)
        .containsExactly(group);
  }

  @Test
  void eachSendingDeviceGetsTheOthersMessagesOnly() {
    StoredMessage fromA1 = msg(AB, 1, "alice", BOTH);
    StoredMessage fromA2 = msg(AB, 2, "alice", BOTH);
    dispatcher.deliver(fromA1, alice1);
    dispatcher.deliver(fromA2, alice2);

    commit();

    assertThat(pushes(alice1)).containsExactly(List.of(2L));
    assertThat(alice1.pushed).containsExactly(fromA2);
    assertThat(pushes(alice2)).containsExactly(List.of(1L));
    assertThat(pushes(bob)).containsExactly(List.of(1L, 2L));
  }

  @Test
  void usersWithNoDeviceOnlineAreHandedToTheOfflineHooksExceptForTheirOwnMessages() {
    List<String> notified = new CopyOnWriteArrayList<>();
    services.register(OfflineDeliveryHook.class, (user, m) -> notified.add(user + ":" + m.getSeq()));
    Set<String> withCarol = Set.of("alice", "carol");
    String ac = Ids.direct("alice", "carol");
    dispatcher.deliver(msg(ac, 1, "alice", withCarol), alice1);
    dispatcher.deliver(msg(ac, 2, "carol", withCarol), null);

    commit();

    // Counted as it is queued: carol's own message 2 is not.
    assertThat(metrics.offlineHooks.count()).isEqualTo(1.0);
    await().until(() -> notified.size() == 1);
    assertThat(notified).containsExactly("carol:1");
    assertThat(pushes(alice1)).containsExactly(List.of(2L));
  }

  @Test
  void repliesGoOutWithTheBatchAndEachSessionIsFlushedOnce() {
    Frame typing = Frame.newBuilder().setTyping(Typing.newBuilder().setConversation(AB)).build();
    dispatcher.deliver(msg(AB, 1, "alice", BOTH), alice1);
    dispatcher.reply(alice1, Frame.newBuilder().setReq(7).build());
    dispatcher.reply(bob, () -> Frame.newBuilder().setReq(8).build());
    dispatcher.broadcast(Set.of("alice", "bob"), typing, alice1);

    commit();

    assertThat(alice1.frames).containsExactly(Frame.newBuilder().setReq(7).build());
    assertThat(alice1.flushes).isEqualTo(1);
    assertThat(alice2.frames).hasSize(2).first().isEqualTo(typing);
    assertThat(pushes(alice2)).containsExactly(List.of(1L));
    assertThat(bob.frames).hasSize(3);
    assertThat(bob.frames.subList(0, 2)).containsExactly(Frame.newBuilder().setReq(8).build(), typing);
    assertThat(pushes(bob)).containsExactly(List.of(1L));
    assertThat(bob.flushes).isEqualTo(1);
  }

  @Test
  void broadcastToNobodyElseSendsNothing() {
    dispatcher.broadcast(Set.of("alice"), Frame.newBuilder().setReq(1).build(), null);
    dispatcher.broadcast(Set.of("nobody"), Frame.newBuilder().setReq(2).build(), null);

    commit();

    assertThat(alice1.frames).containsExactly(Frame.newBuilder().setReq(1).build());
    assertThat(alice2.frames).containsExactly(Frame.newBuilder().setReq(1).build());
    assertThat(bob.frames).isEmpty();
  }

  @Test
  void aRolledBackBatchSendsNothing() {
    dispatcher.deliver(msg(AB, 1, "alice", BOTH), alice1);
    dispatcher.reply(alice1, Frame.newBuilder().setReq(7).build());

    dispatcher.afterRollback();
    commit();

    assertThat(alice1.frames).isEmpty();
    assertThat(alice2.frames).isEmpty();
    assertThat(bob.frames).isEmpty();
  }

  @Test
  void aBatchIsSentOnce() {
    dispatcher.deliver(msg(AB, 1, "alice", BOTH), null);
    dispatcher.reply(bob, Frame.newBuilder().setReq(7).build());
    commit();

    commit();

    assertThat(bob.frames).hasSize(2);
    assertThat(bob.flushes).isEqualTo(1);
  }
}
