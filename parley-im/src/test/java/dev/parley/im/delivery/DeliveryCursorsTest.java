package dev.parley.im.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.core.spi.ServiceRegistry;
import dev.parley.im.metrics.ImMetrics;
import dev.parley.im.session.KickPolicy;
import dev.parley.im.session.LocalDirectory;
import dev.parley.im.store.ImStore;
import dev.parley.im.testing.RecordingSession;
import dev.parley.protocol.Ids;
import dev.parley.protocol.im.Ack;
import dev.parley.protocol.im.Cursor;
import dev.parley.protocol.im.ErrorCode;
import dev.parley.protocol.im.Frame;
import dev.parley.protocol.im.Platform;
import dev.parley.protocol.im.Receipt;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import dev.parley.protocol.im.ReceiptType;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class DeliveryCursorsTest {
  static final String AB = Ids.direct("alice", "bob");
  static final String GROUP = Ids.group("g1");

  /** Last seq per conversation; a conversation missing here makes lastSeq fail. */
  private final Map<String, Long> lastSeq = new HashMap<>(Map.of(AB, 10L, GROUP, 10L, Ids.system("alice"), 10L));
  private final Map<String, Set<String>> members = new HashMap<>(Map.of(GROUP, Set.of("alice", "carol")));
  private final List<Map<String, Map<String, Long>>> written = new ArrayList<>();
  /** Only what DeliveryCursors uses; anything else fails the test. */
  private final ImStore store = (ImStore) Proxy.newProxyInstance(ImStore.class.getClassLoader(),
      new Class<?>[] {ImStore.class}, (proxy, method, args) -> switch (method.getName()) {
        case "lastSeq" -> lastSeq.containsKey(args[0]) ? CompletableFuture.completedFuture(lastSeq.get(args[0]))
            : CompletableFuture.failedFuture(new IllegalStateException("store down"));
        case "groupMembers" -> members.containsKey(args[0])
            ? CompletableFuture.completedFuture(members.get(args[0]))
            : CompletableFuture.failedFuture(new IllegalStateException("store down"));
        case "markDelivered" -> {
          @SuppressWarnings("unchecked")
          Map<String, Map<String, Long>> batch = (Map<String, Map<String, Long>>) args[0];
          written.add(batch);
          yield null;
        }
        default -> throw new UnsupportedOperationException(method.getName());
      });
  private final LocalDirectory directory = new LocalDirectory(t -> {});
  private final ImMetrics metrics = new ImMetrics(new SimpleMeterRegistry(), () -> 0, () -> 0, () -> 0, () -> 0);
  // The in-process router over the directory: receipts reach the sessions it holds.
  private final DeliveryCursors cursors = new DeliveryCursors(
      new Dispatcher(directory, new OfflineNotifier(new ServiceRegistry(), metrics, 100)), store);
  private final RecordingSession alice = online("alice");
  private final RecordingSession bob = online("bob");

  private RecordingSession online(String user) {
    RecordingSession s = new RecordingSession(user, "d", Platform.PLATFORM_WEB, 0, null);
    directory.register(s, KickPolicy.SAME_DEVICE, 10);
    return s;
  }

  private static Ack ack(String cid, long seq) {
    return Ack.newBuilder().addCursors(Cursor.newBuilder().setConversation(cid).setSeq(seq)).build();
  }

  private static Frame delivered(String cid, String user, long seq) {
    return Frame.newBuilder().setReceipt(Receipt.newBuilder().setConversation(cid).setUser(user)
        .setType(ReceiptType.RECEIPT_TYPE_DELIVERED).setSeq(seq)).build();
  }

  @Test
  void directAckTellsThePeerAtOnceAndIsWrittenOnFlush() {
    cursors.acked(bob, 3, ack(AB, 4));

    assertThat(alice.frames).containsExactly(delivered(AB, "bob", 4));
    assertThat(bob.frames).isEmpty();
    assertThat(written).isEmpty();

    cursors.flush();
    assertThat(written).containsExactly(Map.of(AB, Map.of("bob", 4L)));
  }

  @Test
  void eitherUserOfTheDirectConversationMayAck() {
    cursors.acked(alice, 3, ack(AB, 2));

    assertThat(bob.frames).containsExactly(delivered(AB, "alice", 2));
  }

  @Test
  void cursorPastTheLastMessageCountsAsTheLastMessage() {
    cursors.acked(bob, 3, ack(AB, 99));

    assertThat(alice.frames).containsExactly(delivered(AB, "bob", 10));
    cursors.flush();
    assertThat(written).containsExactly(Map.of(AB, Map.of("bob", 10L)));
  }

  @Test
  void onlyACursorThatMovesIsToldAndTheHighestIsWritten() {
    cursors.acked(bob, 1, ack(AB, 5));
    cursors.acked(bob, 2, ack(AB, 5));
    cursors.acked(bob, 3, ack(AB, 3));
    cursors.acked(bob, 4, ack(AB, 6));

    assertThat(alice.frames).containsExactly(delivered(AB, "bob", 5), delivered(AB, "bob", 6));
    cursors.flush();
    assertThat(written).containsExactly(Map.of(AB, Map.of("bob", 6L)));
  }

  @Test
  void zeroAndMalformedCursorsAreIgnored() {
    cursors.acked(bob, 1, ack(AB, 0));
    cursors.acked(bob, 2, ack("not-a-conversation", 5));
    // Not even an outsider hears about a zero cursor.
    RecordingSession carol = online("carol");
    cursors.acked(carol, 4, ack(AB, 0));
    assertThat(carol.frames).isEmpty();
    lastSeq.put(AB, 0L);
    cursors.acked(bob, 3, ack(AB, 4));

    cursors.flush();
    assertThat(alice.frames).isEmpty();
    assertThat(bob.frames).isEmpty();
    assertThat(written).isEmpty();
  }

  @Test
  void outsiderOfADirectConversationIsToldNotMember() {
    RecordingSession carol = online("carol");

    cursors.acked(carol, 7, ack(AB, 4));

    assertThat(carol.frames).hasSize(1);
    assertThat(carol.frames.get(0).getReq()).isEqualTo(7);
    assertThat(carol.frames.get(0).getError().getCode()).isEqualTo(ErrorCode.ERROR_CODE_NOT_MEMBER);
    assertThat(alice.frames).isEmpty();
    assertThat(bob.frames).isEmpty();
    cursors.flush();
    assertThat(written).isEmpty();
  }

  @Test
  void groupMemberAckIsWrittenWithoutReceipts() {
    RecordingSession carol = online("carol");

    cursors.acked(alice, 1, ack(GROUP, 3));

    assertThat(carol.frames).isEmpty();
    assertThat(alice.frames).isEmpty();
    cursors.flush();
    assertThat(written).containsExactly(Map.of(GROUP, Map.of("alice", 3L)));
  }

  @Test
  void groupOutsiderIsToldNotMember() {
    cursors.acked(bob, 5, ack(GROUP, 3));

    assertThat(bob.frames).extracting(f -> f.getError().getCode()).containsExactly(ErrorCode.ERROR_CODE_NOT_MEMBER);
    assertThat(bob.frames.get(0).getReq()).isEqualTo(5);
    cursors.flush();
    assertThat(written).isEmpty();
  }

  @Test
  void whenTheStoreFailsNothingIsRecordedAndNobodyIsBlamed() {
    members.remove(GROUP);
    cursors.acked(alice, 1, ack(GROUP, 3));
    lastSeq.remove(AB);
    cursors.acked(bob, 2, ack(AB, 3));

    cursors.flush();
    assertThat(alice.frames).isEmpty();
    assertThat(bob.frames).isEmpty();
    assertThat(written).isEmpty();
  }

  @Test
  void ownSystemConversationIsAcknowledgedOthersAreNot() {
    cursors.acked(alice, 1, ack(Ids.system("alice"), 2));
    cursors.acked(bob, 2, ack(Ids.system("alice"), 2));

    assertThat(alice.frames).isEmpty();
    assertThat(bob.frames).extracting(f -> f.getError().getCode()).containsExactly(ErrorCode.ERROR_CODE_NOT_MEMBER);
    cursors.flush();
    assertThat(written).containsExactly(Map.of(Ids.system("alice"), Map.of("alice", 2L)));
  }

  @Test
  void oneAckCarriesManyCursorsAndOneFlushWritesThemAll() {
    Ack ack = Ack.newBuilder()
        .addCursors(Cursor.newBuilder().setConversation(AB).setSeq(2))
        .addCursors(Cursor.newBuilder().setConversation(GROUP).setSeq(3)).build();
    cursors.acked(alice, 1, ack);
    cursors.acked(online("carol"), 2, ack(GROUP, 4));

    cursors.flush();
    assertThat(written).containsExactly(Map.of(AB, Map.of("alice", 2L), GROUP, Map.of("alice", 3L, "carol", 4L)));

    // Nothing new since: the next flush writes nothing.
    cursors.flush();
    assertThat(written).hasSize(1);
  }
}
