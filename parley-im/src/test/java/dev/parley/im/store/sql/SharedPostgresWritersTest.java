package dev.parley.im.store.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.core.store.CloseableStorage;
import dev.parley.core.store.StoreBackend;
import dev.parley.core.store.jdbc.SqlFunction;
import dev.parley.core.testing.ManualTime;
import dev.parley.core.testing.StorageFixture;
import dev.parley.im.store.Callback;
import dev.parley.im.store.ImException;
import dev.parley.im.store.ImStore;
import dev.parley.im.store.Outcomes;
import dev.parley.protocol.Ids;
import dev.parley.protocol.im.Conversation;
import dev.parley.protocol.im.ErrorCode;
import dev.parley.protocol.im.GroupInfo;
import dev.parley.protocol.im.Message;
import dev.parley.protocol.im.MessageKind;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.stream.LongStream;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two IM stores, as two nodes hold them, writing one PostgreSQL database: sequence numbers stay
 * gap-free and ordered per conversation, resends answer the first send on either node, a member
 * removed on one node is refused on the other, and a direct conversation both nodes create at
 * once is one conversation.
 */
class SharedPostgresWritersTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  /** Sends one thread keeps in flight: enough to make batches of several ops. */
  private static final int WINDOW = 5;

  private final ManualTime time = new ManualTime();
  private StorageFixture database;
  private CloseableStorage dbA;
  private CloseableStorage dbB;
  private SqlImStore a;
  private SqlImStore b;

  @BeforeEach
  void openTwoNodes() {
    database = StorageFixture.create(StoreBackend.POSTGRES);
    dbA = database.open(time.clock());
    dbB = database.open(time.clock());
    a = new SqlImStore(dbA, time.clock(), 100);
    b = new SqlImStore(dbB, time.clock(), 100);
  }

  @AfterEach
  void close() {
    dbA.close();
    dbB.close();
    database.close();
  }

  @Test
  void concurrentSendsThroughBothStoresGetEverySeqOnceInOrder() throws Exception {
    String direct = Ids.direct("alice", "bob");
    String group = createGroup(a, "alice", List.of("bob")).getConversation();
    int perStore = 300;
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      Future<Map<String, Long>> fromA = threads.submit(() -> sendAll(a, "alice", List.of(direct, group), perStore));
      Future<Map<String, Long>> fromB = threads.submit(() -> sendAll(b, "bob", List.of(group, direct), perStore));
      waiting().until(() -> fromA.isDone() && fromB.isDone());
      Map<String, Long> acked = new HashMap<>(fromA.get());
      acked.putAll(fromB.get());

      assertThat(acked).hasSize(2 * perStore);
      List<Row> stored = rows(direct);
      List<Row> groupRows = rows(group);
      // The group's first message is the server's "created" event; every other row is a send.
      assertThat(stored).extracting(Row::seq).containsExactlyElementsOf(oneTo(perStore));
      assertThat(groupRows).extracting(Row::seq).containsExactlyElementsOf(oneTo(perStore + 1));
      assertThat(groupRows.get(0).sender()).isEqualTo(MessageWrites.SERVER);
      Map<String, Long> storedSeq = new HashMap<>();
      for (Row r : concat(stored, groupRows)) {
        if (r.clientId() != null) {
          assertThat(storedSeq.put(r.conversation() + "/" + r.clientId(), r.seq())).isNull();
        }
      }
      // Every ack names the seq at which its message is stored, through either store.
      assertThat(storedSeq).isEqualTo(acked);
      assertThat(lastSeqRow(direct)).isEqualTo(perStore);
      assertThat(lastSeqRow(group)).isEqualTo(perStore + 1);
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void aSendWaitsForTheOtherStoresOpenBatchAndTakesTheNextSeq() {
    String cid = Ids.direct("alice", "bob");
    assertThat(sent(a, cid, text("alice", "a-1")).seq()).isEqualTo(1);
    assertThat(sent(b, cid, text("bob", "b-1")).seq()).isEqualTo(2);
    assertThat(sent(a, cid, text("alice", "a-2")).seq()).isEqualTo(3);

    // A's batch has stored seq 4 and is still open when B's send arrives.
    List<Outcomes.Sent> sent = sendWhileABatchIsOpen(cid, text("alice", "a-3"), text("bob", "b-2"));

    assertThat(sent).extracting(s -> s.stored().seq()).containsExactly(4L, 5L);
    assertThat(rows(cid)).extracting(Row::clientId).containsExactly("a-1", "b-1", "a-2", "a-3", "b-2");
  }

  @Test
  void aStoreLoadingAConversationWaitsForTheOtherStoresOpenBatch() {
    String cid = Ids.direct("alice", "bob");
    assertThat(sent(a, cid, text("alice", "a-1")).seq()).isEqualTo(1);

    // B has never seen the conversation; A's batch has stored seq 2 and is still open.
    List<Outcomes.Sent> sent = sendWhileABatchIsOpen(cid, text("alice", "a-2"), text("bob", "b-1"));

    assertThat(sent).extracting(s -> s.stored().seq()).containsExactly(2L, 3L);
    assertThat(rows(cid)).extracting(Row::clientId).containsExactly("a-1", "a-2", "b-1");
  }

  @Test
  void aSeqTakenWithoutMovingLastSeqFailsTheSendRatherThanTakingItForAResend() {
    String cid = Ids.direct("alice", "bob");
    assertThat(sent(a, cid, text("alice", "a-1")).seq()).isEqualTo(1);
    // A writer that leaves last_seq alone (a node of an older version, a repair by hand) stores seq 2.
    result(dbB.writer().write(c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO im_messages (conv, seq, sender, client_id, ts,"
          + " kind, body) SELECT id, 2, 'bob', 'foreign-2', 0, ?, ? FROM im_conversations WHERE cid = ?")) {
        ps.setInt(1, MessageKind.MESSAGE_KIND_TEXT_VALUE);
        ps.setBytes(2, new byte[0]);
        ps.setString(3, cid);
        return ps.executeUpdate();
      }
    }));

    // The clash on (conv, seq) is no resend: the send fails, so the client sends it again...
    ImException refused = refusal(send(a, cid, text("alice", "a-2")));
    assertThat(refused.code()).isEqualTo(ErrorCode.ERROR_CODE_INTERNAL);
    // ... and the store, having dropped what the failed batch read, stores it after the foreign row.
    assertThat(sent(a, cid, text("alice", "a-2")).seq()).isEqualTo(3);
    assertThat(rows(cid)).extracting(Row::clientId).containsExactly("a-1", "foreign-2", "a-2");
  }

  @Test
  void aResendThroughTheOtherStoreAnswersTheFirstSendAndStoresNothing() {
    String cid = Ids.direct("alice", "bob");
    Outcomes.Sent first = result(send(a, cid, text("alice", "dup-1")));
    time.advance(Duration.ofSeconds(1));
    assertThat(sent(b, cid, text("bob", "b-1")).seq()).isEqualTo(2);
    time.advance(Duration.ofSeconds(1));

    Outcomes.Sent again = result(send(b, cid, text("alice", "dup-1")));

    assertThat(again.stored()).isNull();
    assertThat(again.ack().getDuplicate()).isTrue();
    assertThat(again.ack().getConversation()).isEqualTo(cid);
    assertThat(again.ack().getSeq()).isEqualTo(first.stored().seq()).isEqualTo(1);
    assertThat(again.ack().getTimestamp()).isEqualTo(first.stored().timestamp());
    assertThat(again.ack().getClientId()).isEqualTo("dup-1");
    assertThat(rows(cid)).extracting(Row::clientId).containsExactly("dup-1", "b-1");

    // B now holds the conversation at seq 2; A writes seq 3, and its resend through B answers 3.
    Outcomes.Sent third = result(send(a, cid, text("alice", "dup-2")));
    Outcomes.Sent thirdAgain = result(send(b, cid, text("alice", "dup-2")));
    assertThat(thirdAgain.stored()).isNull();
    assertThat(thirdAgain.ack().getSeq()).isEqualTo(third.stored().seq()).isEqualTo(3);
    // And B's next message still takes the next seq.
    assertThat(sent(b, cid, text("bob", "b-2")).seq()).isEqualTo(4);
    assertThat(rows(cid)).extracting(Row::clientId).containsExactly("dup-1", "b-1", "dup-2", "b-2");
  }

  @Test
  void resendsInABatchOfSendsAnswerTheirFirstSendAndLeaveNoGap() {
    String cid = Ids.direct("alice", "bob");
    Outcomes.Sent first = result(send(a, cid, text("alice", "dup-1")));
    time.advance(Duration.ofSeconds(1));

    // One batch: new sends around a resend of a committed message and a client id sent twice in it.
    List<CompletableFuture<Outcomes.Sent>> batch = new ArrayList<>();
    holdBatch(dbA, () -> {
      for (String clientId : List.of("m-2", "dup-1", "m-3", "m-3", "m-4")) {
        batch.add(send(a, cid, text("alice", clientId)));
      }
    }).complete(null);
    List<Outcomes.Sent> sent = batch.stream().map(SharedPostgresWritersTest::result).toList();

    assertThat(sent.get(0).stored().seq()).isEqualTo(2);
    assertThat(sent.get(1).stored()).isNull();
    assertThat(sent.get(1).ack().getDuplicate()).isTrue();
    assertThat(sent.get(1).ack().getSeq()).isEqualTo(first.stored().seq()).isEqualTo(1);
    assertThat(sent.get(2).stored().seq()).isEqualTo(3);
    assertThat(sent.get(3).stored()).isNull();
    assertThat(sent.get(3).ack().getSeq()).isEqualTo(3);
    assertThat(sent.get(4).stored().seq()).isEqualTo(4);
    assertThat(rows(cid)).extracting(Row::clientId).containsExactly("dup-1", "m-2", "m-3", "m-4");
    assertThat(lastSeqRow(cid)).isEqualTo(4);
    // The next batch, without resends, goes on from there.
    assertThat(sent(a, cid, text("alice", "m-5")).seq()).isEqualTo(5);
    assertThat(sent(b, cid, text("bob", "b-1")).seq()).isEqualTo(6);
  }

  @Test
  void aMemberRemovedThroughOneStoreIsRefusedByTheOther() {
    GroupInfo g = createGroup(a, "olga", List.of("bob", "carol"));
    String cid = g.getConversation();
    // B holds the group with bob in it.
    assertThat(sent(b, cid, text("bob", "bob-1")).seq()).isEqualTo(2);
    assertThat(result(b.groupMembers(cid))).containsExactlyInAnyOrder("olga", "bob", "carol");

    Outcomes.GroupChanged removed = result(callback(done -> a.removeMembers("olga", g.getGroupId(),
        List.of("bob"), done)));
    assertThat(removed.messages().get(0).seq()).isEqualTo(3);

    ImException refused = refusal(send(b, cid, text("bob", "bob-2")));
    assertThat(refused.code()).isEqualTo(ErrorCode.ERROR_CODE_NOT_MEMBER);
    assertThat(result(b.groupMembers(cid))).containsExactlyInAnyOrder("olga", "carol");
    assertThat(sent(b, cid, text("carol", "carol-1")).seq()).isEqualTo(4);
    assertThat(rows(cid)).extracting(Row::clientId).containsExactly(null, "bob-1", null, "carol-1");
  }

  @Test
  void aDirectConversationBothStoresCreateAtOnceIsOneConversation() {
    String cid = Ids.direct("alice", "bob");
    // A has created the conversation and stored its first message, not yet committed, when B's
    // first message to it arrives: B's insert of the same conversation waits for A's batch.
    List<Outcomes.Sent> sent = sendWhileABatchIsOpen(cid, text("alice", "hi-from-a"), text("bob", "hi-from-b"));

    Outcomes.Sent fromA = sent.get(0);
    Outcomes.Sent fromB = sent.get(1);
    assertThat(fromA.stored().conversation()).isEqualTo(cid);
    assertThat(fromB.stored().conversation()).isEqualTo(cid);
    assertThat(fromA.stored().seq()).isEqualTo(1);
    assertThat(fromB.stored().seq()).isEqualTo(2);
    assertThat(fromB.stored().recipients()).containsExactlyInAnyOrder("alice", "bob");
    assertThat(query("SELECT count(*) FROM im_conversations WHERE cid = '" + cid + "'")).isEqualTo(1);
    assertThat(query("SELECT count(*) FROM im_members m JOIN im_conversations v ON v.id = m.conv"
        + " WHERE v.cid = '" + cid + "'")).isEqualTo(2);
    assertThat(rows(cid)).extracting(Row::clientId).containsExactly("hi-from-a", "hi-from-b");
    for (ImStore store : List.of(a, b)) {
      for (String user : List.of("alice", "bob")) {
        assertThat(result(store.conversations(user))).extracting(Conversation::getConversation).containsExactly(cid);
      }
    }
  }

  @Test
  void batchesOfTheTwoStoresWritingTwoConversationsInOppositeOrderTakeTurnsWithoutADeadlock() {
    String x = Ids.direct("alice", "bob");
    String y = Ids.direct("alice", "carol");
    sent(a, x, text("alice", "x-0"));
    sent(a, y, text("alice", "y-0"));
    List<CompletableFuture<Outcomes.Sent>> sends = new ArrayList<>();
    CompletableFuture<Void> releaseA = new CompletableFuture<>();
    CompletableFuture<Void> releaseB = new CompletableFuture<>();
    try {
      // A's batch has stored into x and waits before it writes y; B's would write y, then x.
      CompletableFuture<Void> inA = batchPausedBetween(dbA, () -> sends.add(send(a, x, text("alice", "a-x"))),
          releaseA, () -> sends.add(send(a, y, text("alice", "a-y"))));
      waiting().until(inA::isDone);
      CompletableFuture<Void> inB = batchPausedBetween(dbB, () -> sends.add(send(b, y, text("alice", "b-y"))),
          releaseB, () -> sends.add(send(b, x, text("alice", "b-x"))));
      waiting().until(() -> inB.isDone() || lockWaiters() > 0);

      // B waits for A's batch before it runs any op, so it holds nothing A goes on to need.
      assertThat(inB).isNotDone();
    } finally {
      releaseA.complete(null);
      releaseB.complete(null);
    }
    sends.forEach(SharedPostgresWritersTest::result);
    assertThat(rows(x)).extracting(Row::clientId).containsExactly("x-0", "a-x", "b-x");
    assertThat(rows(y)).extracting(Row::clientId).containsExactly("y-0", "a-y", "b-y");
  }

  @Test
  void sendsTakingTurnsThroughTheTwoStoresEachTakeTheNextSeq() {
    String cid = Ids.direct("alice", "bob");
    for (int i = 1; i <= 20; i++) {
      boolean onA = i % 2 == 1;
      StoredAt at = sent(onA ? a : b, cid, text(onA ? "alice" : "bob", "turn-" + i));
      assertThat(at.seq()).as("send %d", i).isEqualTo(i);
    }
    assertThat(rows(cid)).extracting(Row::seq).containsExactlyElementsOf(oneTo(20));
    assertThat(lastSeqRow(cid)).isEqualTo(20);
  }

  private record Row(String conversation, long seq, String sender, String clientId) {}

  private record StoredAt(String conversation, long seq) {}

  /**
   * Sends {@code count} messages from {@code sender}, a window of them at a time to each
   * conversation in turn, waiting for each window's acks; gives "cid/client id" to acked seq.
   */
  private static Map<String, Long> sendAll(ImStore store, String sender, List<String> cids, int count) {
    Map<String, Long> acked = new HashMap<>();
    for (int i = 0; i < count; i += WINDOW) {
      String cid = cids.get(i / WINDOW % cids.size());
      List<CompletableFuture<Outcomes.Sent>> window = new ArrayList<>();
      for (int j = i; j < Math.min(count, i + WINDOW); j++) {
        window.add(send(store, cid, text(sender, sender + "-" + j)));
      }
      for (CompletableFuture<Outcomes.Sent> f : window) {
        Outcomes.Sent sent = result(f);
        assertThat(sent.stored()).as("a first send is stored").isNotNull();
        acked.put(sent.stored().conversation() + "/" + sent.stored().clientId(), sent.stored().seq());
      }
    }
    return acked;
  }

  private static Message text(String sender, String clientId) {
    return Message.newBuilder().setSender(sender).setClientId(clientId).setKind(MessageKind.MESSAGE_KIND_TEXT)
        .setText("text of " + clientId).build();
  }

  private static CompletableFuture<Outcomes.Sent> send(ImStore store, String cid, Message draft) {
    return callback(done -> store.send(cid, draft, done));
  }

  /** A send that must be stored (not taken for a resend): where. */
  private static StoredAt sent(ImStore store, String cid, Message draft) {
    Outcomes.Sent s = result(send(store, cid, draft));
    assertThat(s.stored()).as("%s stored", draft.getClientId()).isNotNull();
    return new StoredAt(s.stored().conversation(), s.stored().seq());
  }

  private static GroupInfo createGroup(ImStore store, String owner, List<String> members) {
    return result(callback((Callback<Outcomes.GroupChanged> done) -> store.createGroup(owner,
        "g", members, done))).info();
  }

  private static <T> CompletableFuture<T> callback(Consumer<Callback<T>> call) {
    CompletableFuture<T> f = new CompletableFuture<>();
    call.accept((result, error) -> {
      if (error != null) {
        f.completeExceptionally(error);
      } else {
        f.complete(result);
      }
    });
    return f;
  }

  private static <T> T result(CompletableFuture<T> f) {
    waiting().until(f::isDone);
    return f.join();
  }

  private static ImException refusal(CompletableFuture<?> f) {
    waiting().until(f::isDone);
    try {
      f.join();
    } catch (CompletionException e) {
      assertThat(e.getCause()).isInstanceOf(ImException.class);
      return (ImException) e.getCause();
    }
    throw new AssertionError("expected a refusal, got " + f.join());
  }

  private static ConditionFactory waiting() {
    return await().atMost(WAIT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(2));
  }

  private static List<Row> concat(List<Row> first, List<Row> second) {
    List<Row> all = new ArrayList<>(first);
    all.addAll(second);
    return all;
  }

  private static List<Long> oneTo(long n) {
    return LongStream.rangeClosed(1, n).boxed().toList();
  }

  /**
   * Sends {@code first} through A and keeps A's batch open (nothing committed, its locks held)
   * until {@code second}, sent through B, waits for a lock; then both outcomes, A's first.
   */
  private List<Outcomes.Sent> sendWhileABatchIsOpen(String cid, Message first, Message second) {
    List<CompletableFuture<Outcomes.Sent>> onA = new ArrayList<>();
    CompletableFuture<Void> release = holdBatch(dbA, () -> onA.add(send(a, cid, first)));
    CompletableFuture<Outcomes.Sent> onB = send(b, cid, second);
    waiting().until(() -> lockWaiters() > 0);
    release.complete(null);
    return List.of(result(onA.get(0)), result(onB));
  }

  /**
   * Makes {@code db}'s writer apply what {@code submit} queues in one batch and keep that batch open
   * (its locks held, nothing committed) until the returned future is completed.
   */
  private static CompletableFuture<Void> holdBatch(CloseableStorage db, Runnable submit) {
    CompletableFuture<Void> release = new CompletableFuture<>();
    CompletableFuture<Void> open = batchPausedBetween(db, submit, release, () -> { });
    waiting().until(open::isDone);
    return release;
  }

  /**
   * Makes {@code db}'s writer run, in one batch, what {@code before} queues, then an op that waits
   * for {@code gate}, then what {@code after} queues; the returned future completes when the
   * waiting op is reached.
   */
  private static CompletableFuture<Void> batchPausedBetween(CloseableStorage db, Runnable before,
      CompletableFuture<Void> gate, Runnable after) {
    CompletableFuture<Void> busy = new CompletableFuture<>();
    CompletableFuture<Void> free = new CompletableFuture<>();
    db.writer().write(c -> {
      busy.complete(null);
      return free.join();
    });
    waiting().until(busy::isDone);
    before.run();
    CompletableFuture<Void> reached = new CompletableFuture<>();
    db.writer().write(c -> {
      reached.complete(null);
      return gate.join();
    });
    after.run();
    free.complete(null);
    return reached;
  }

  /** Sessions of this database waiting for a lock another transaction holds. */
  private long lockWaiters() {
    return query("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
        + " AND wait_event_type = 'Lock'");
  }

  private long lastSeqRow(String cid) {
    return query("SELECT last_seq FROM im_conversations WHERE cid = '" + cid + "'");
  }

  private long query(String sql) {
    return read(c -> {
      try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    });
  }

  private List<Row> rows(String cid) {
    return read(c -> {
      List<Row> rows = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT m.seq, m.sender, m.client_id FROM im_messages m"
          + " JOIN im_conversations v ON v.id = m.conv WHERE v.cid = ? ORDER BY m.seq")) {
        ps.setString(1, cid);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            rows.add(new Row(cid, rs.getLong(1), rs.getString(2), rs.getString(3)));
          }
        }
      }
      return rows;
    });
  }

  private <T> T read(SqlFunction<T> f) {
    return result(dbA.read(f));
  }
}
