package dev.parley.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.client.ConnectionEvent.Cause;
import dev.parley.client.Clients.Pair;
import dev.parley.client.heartbeat.HeartbeatPolicy;
import dev.parley.client.testing.ScriptedServer;
import dev.parley.client.time.ManualScheduler;
import dev.parley.protocol.im.Cursor;
import dev.parley.protocol.im.Error;
import dev.parley.protocol.im.ErrorCode;
import dev.parley.protocol.im.Frame;
import dev.parley.protocol.im.GoAway;
import dev.parley.protocol.im.KickReason;
import dev.parley.protocol.im.Kicked;
import dev.parley.protocol.im.Message;
import dev.parley.protocol.im.MessageKind;
import dev.parley.protocol.im.Push;
import dev.parley.protocol.im.SendAck;
import dev.parley.protocol.im.SyncResult;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The client against a server that says exactly what the test wants: duplicates, gaps, silence,
 * lost SendAcks, kicks. Time is the test's ({@link ManualScheduler}).
 */
class ScriptedProtocolTest {
  private static final String CONV = "u:alice:bob";
  private final ManualScheduler time = new ManualScheduler();
  private final Clients clients = new Clients();

  @AfterEach
  void close() {
    clients.close();
  }

  private Pair client(ScriptedServer server, HeartbeatPolicy hb) {
    ClientRuntime rt = clients.runtime(ClientRuntime.builder().scheduler(time));
    return clients.connect(ClientConfig.builder().server("tcp://127.0.0.1:" + server.port()).token("t").runtime(rt)
        .heartbeat(hb).heartbeatTimeout(Duration.ofSeconds(10)).backoff(Backoff.defaults().withRandom(() -> 0.0)));
  }

  private static Message msg(long seq, String sender, String clientId) {
    return Message.newBuilder().setConversation(CONV).setSeq(seq).setSender(sender).setClientId(clientId)
        .setKind(MessageKind.MESSAGE_KIND_TEXT).setText("m" + seq).build();
  }

  private static Frame push(long... seqs) {
    Push.Builder p = Push.newBuilder();
    for (long s : seqs) {
      p.addMessages(msg(s, "bob", "b" + s));
    }
    return Frame.newBuilder().setPush(p).build();
  }

  private static void answerSync(ScriptedServer.Conn c, Frame sync, long... seqs) {
    SyncResult.Builder r = SyncResult.newBuilder();
    for (long s : seqs) {
      r.addMessages(msg(s, "bob", "b" + s));
    }
    c.send(Frame.newBuilder().setReq(sync.getReq()).setSyncResult(r).build());
  }

  /** Logs in and answers the first sync with nothing. */
  private ScriptedServer.Conn online(ScriptedServer server, Pair p) throws InterruptedException {
    ScriptedServer.Conn c = server.next();
    c.acceptLogin("alice", 240_000);
    Frame sync = c.take(Frame.BodyCase.SYNC);
    answerSync(c, sync);
    await().until(() -> p.rec().state() == ConnectionState.ONLINE);
    return c;
  }

  @Test
  void duplicatesAreDroppedGapsAreFilledBySyncAndAcksAreCumulative() throws Exception {
    try (ScriptedServer server = new ScriptedServer()) {
      Pair p = client(server, HeartbeatPolicy.fixed(Duration.ofMinutes(1)));
      ScriptedServer.Conn c = server.next();
      c.acceptLogin("alice", 240_000);
      answerSync(c, c.take(Frame.BodyCase.SYNC), 1, 2, 3);
      assertThat(c.take(Frame.BodyCase.ACK).getAck().getCursorsList())
          .containsExactly(Cursor.newBuilder().setConversation(CONV).setSeq(3).build());

      c.send(push(3, 2));
      c.send(push(6));
      // Seq 6 is ahead of 4 and 5: held back, and a sync from cursor 3 asked for.
      Frame gapSync = c.take(Frame.BodyCase.SYNC);
      assertThat(gapSync.getSync().getCursorsList()).containsExactly(Cursor.newBuilder().setConversation(CONV)
          .setSeq(3).build());
      c.send(push(5));
      answerSync(c, gapSync, 4, 5, 6);
      c.send(push(7, 6, 7));
      await().until(() -> p.rec().messages.size() >= 7);
      assertThat(p.rec().texts(CONV)).containsExactly("m1", "m2", "m3", "m4", "m5", "m6", "m7");
      Frame lastAck = null;
      while (lastAck == null || lastAck.getAck().getCursors(0).getSeq() < 7) {
        lastAck = c.take(Frame.BodyCase.ACK);
      }
      assertThat(p.client().cursors()).containsEntry(CONV, 7L);
    }
  }

  @Test
  void aMessageWhoseSendAckWasLostIsRecognisedWhenSyncReturnsIt() throws Exception {
    try (ScriptedServer server = new ScriptedServer()) {
      Pair p = client(server, HeartbeatPolicy.fixed(Duration.ofMinutes(1)));
      ScriptedServer.Conn c = online(server, p);
      PendingSend s = p.client().sendText("bob", "hello");
      Frame send = c.take(Frame.BodyCase.SEND);
      assertThat(send.getSend().getClientId()).isEqualTo(s.clientId());
      // Stored, but the connection dies before the SendAck.
      c.close();
      ScriptedServer.Conn c2 = server.next();
      c2.acceptLogin("alice", 240_000);
      Frame sync = c2.take(Frame.BodyCase.SYNC);
      Frame resend = c2.take(Frame.BodyCase.SEND);
      assertThat(resend.getSend().getClientId()).isEqualTo(s.clientId());
      c2.send(Frame.newBuilder().setReq(sync.getReq()).setSyncResult(SyncResult.newBuilder()
          .addMessages(msg(1, "alice", s.clientId()))).build());
      assertThat(s.result().get().getSeq()).isEqualTo(1);
      // The server answers the resend as a duplicate: nothing more happens.
      c2.send(Frame.newBuilder().setReq(resend.getReq()).setSendAck(SendAck.newBuilder().setClientId(s.clientId())
          .setConversation(CONV).setSeq(1).setDuplicate(true)).build());
      c2.send(push(2));
      await().until(() -> p.rec().messages.size() == 1);
      assertThat(p.rec().messages).extracting(Message::getSeq).containsExactly(2L);
      assertThat(p.rec().sent).hasSize(1);
    }
  }

  @Test
  void unansweredSendIsSentAgainWithTheSameIdAfterResendTimeout() throws Exception {
    try (ScriptedServer server = new ScriptedServer()) {
      Pair p = client(server, HeartbeatPolicy.fixed(Duration.ofMinutes(1)));
      ScriptedServer.Conn c = online(server, p);
      PendingSend s = p.client().sendText("bob", "again");
      Frame first = c.take(Frame.BodyCase.SEND);
      await().until(() -> time.pendingDelays().contains(10_000L));
      time.advance(Duration.ofSeconds(10));
      Frame second = c.take(Frame.BodyCase.SEND);
      assertThat(second.getSend().getClientId()).isEqualTo(first.getSend().getClientId());
      // The link is checked meanwhile.
      await().until(() -> c.heartbeats() == 1);
      c.send(Frame.newBuilder().setReq(second.getReq()).setSendAck(SendAck.newBuilder().setClientId(s.clientId())
          .setConversation(CONV).setSeq(1)).build());
      assertThat(s.result().get().getSeq()).isEqualTo(1);
    }
  }

  @Test
  void resultCompletesOnlyAfterTheSendListenersWereTold() throws Exception {
    try (ScriptedServer server = new ScriptedServer()) {
      Pair p = client(server, HeartbeatPolicy.fixed(Duration.ofMinutes(10)));
      ScriptedServer.Conn c = online(server, p);
      PendingSend stored = p.client().sendText("bob", "stored");
      PendingSend refused = p.client().sendText("bob", "refused");
      // Code run as a result completes (on the callbacks thread, one task at a time) must find the
      // listeners already told, so an app may read what its listener recorded.
      CompletableFuture<Boolean> sentToldFirst = stored.result()
          .thenApply(m -> p.rec().sent.stream().anyMatch(x -> x.getClientId().equals(stored.clientId())));
      CompletableFuture<Boolean> failedToldFirst = refused.result()
          .handle((m, e) -> p.rec().failed.containsKey(refused.clientId()));
      Frame first = c.take(Frame.BodyCase.SEND);
      Frame second = c.take(Frame.BodyCase.SEND);
      c.send(Frame.newBuilder().setReq(first.getReq()).setSendAck(SendAck.newBuilder().setClientId(stored.clientId())
          .setConversation(CONV).setSeq(1)).build());
      c.send(Frame.newBuilder().setReq(second.getReq()).setError(Error.newBuilder()
          .setCode(ErrorCode.ERROR_CODE_NOT_MEMBER).setMessage("not a member")).build());
      assertThat(sentToldFirst.get(10, TimeUnit.SECONDS)).isTrue();
      assertThat(failedToldFirst.get(10, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void unacknowledgedMessageFailsAtItsDeadline() throws Exception {
    try (ScriptedServer server = new ScriptedServer()) {
      Pair p = client(server, HeartbeatPolicy.fixed(Duration.ofMinutes(10)));
      ScriptedServer.Conn c = online(server, p);
      PendingSend s = p.client().send(Outgoing.text("late").toUser("bob").deadline(Duration.ofSeconds(25)));
      c.take(Frame.BodyCase.SEND);
      time.advance(Duration.ofSeconds(24));
      assertThat(s.result()).isNotDone();
      time.advance(Duration.ofSeconds(1));
      await().until(() -> s.result().isDone());
      assertThat(s.result()).isCompletedExceptionally();
      assertThat(p.rec().failed.get(s.clientId()).kind()).isEqualTo(ParleyException.Kind.DEADLINE_PASSED);
    }
  }

  @Test
  void heartbeatGoesOutAfterTheIntervalOfSilenceAndAnUnansweredOneDropsTheLink() throws Exception {
    try (ScriptedServer server = new ScriptedServer()) {
      Pair p = client(server, HeartbeatPolicy.fixed(Duration.ofSeconds(30)));
      ScriptedServer.Conn c = online(server, p);
      assertThat(time.advanceMillis(29_999)).isZero();
      assertThat(c.heartbeats()).isZero();
      time.advanceMillis(1);
      await().until(() -> c.heartbeats() == 1);
      c.sendHeartbeat();
      // Answered: the next one is due 30 s after this one, and goes out unanswered.
      await().until(() -> time.nextDelay() == 30_000);
      time.advance(Duration.ofSeconds(30));
      await().until(() -> c.heartbeats() == 2);
      int before = p.rec().events.size();
      time.advance(Duration.ofSeconds(10));
      await().until(() -> p.rec().events.size() > before);
      assertThat(p.rec().events.get(before).cause()).isEqualTo(Cause.HEARTBEAT_TIMEOUT);
      await().until(c::eof);
      // A dead link is replaced at once.
      server.next();
    }
  }

  @Test
  void kickedClientStaysOffline() throws Exception {
    try (ScriptedServer server = new ScriptedServer()) {
      Pair p = client(server, HeartbeatPolicy.fixed(Duration.ofMinutes(1)));
      ScriptedServer.Conn c = online(server, p);
      c.send(Frame.newBuilder().setKicked(Kicked.newBuilder().setReason(KickReason.KICK_REASON_REPLACED)
          .setMessage("logged in elsewhere")).build());
      c.close();
      await().until(() -> p.rec().kicked.size() == 1);
      await().until(() -> p.rec().state() == ConnectionState.OFFLINE);
      assertThat(p.rec().last().cause()).isEqualTo(Cause.KICKED);
      time.advance(Duration.ofHours(1));
      assertThat(time.pendingDelays()).isEmpty();
      assertThat(server.accepted()).isEqualTo(1);
      assertThat(p.client().state()).isEqualTo(ConnectionState.OFFLINE);
    }
  }

  @Test
  void goAwayDelaysTheReconnectByWhatTheServerAsked() throws Exception {
    try (ScriptedServer server = new ScriptedServer()) {
      Pair p = client(server, HeartbeatPolicy.fixed(Duration.ofMinutes(1)));
      ScriptedServer.Conn c = online(server, p);
      int before = p.rec().events.size();
      c.send(Frame.newBuilder().setGoAway(GoAway.newBuilder().setReconnectAfterMs(5000)).build());
      c.close();
      await().until(() -> p.rec().state() == ConnectionState.WAITING);
      assertThat(p.rec().events.get(before).cause()).isEqualTo(Cause.GO_AWAY);
      assertThat(p.rec().events.get(before).retryInMillis()).isEqualTo(5000);
      assertThat(time.advanceMillis(4999)).isZero();
      time.advanceMillis(1);
      online(server, p);
      assertThat(server.accepted()).isEqualTo(2);
    }
  }

  @Test
  void refusedTokenStaysOfflineAndRateLimitedLoginWaitsAtLeastTheHint() throws Exception {
    try (ScriptedServer server = new ScriptedServer()) {
      Pair p = client(server, HeartbeatPolicy.fixed(Duration.ofMinutes(1)));
      ScriptedServer.Conn c = server.next();
      Frame login = c.take(Frame.BodyCase.LOGIN);
      c.send(Frame.newBuilder().setReq(login.getReq()).setError(Error.newBuilder()
          .setCode(ErrorCode.ERROR_CODE_RATE_LIMITED).setRetryAfterMs(7000)).build());
      await().until(() -> p.rec().state() == ConnectionState.WAITING);
      assertThat(p.rec().last().retryInMillis()).isEqualTo(7000);
      assertThat(p.rec().last().cause()).isEqualTo(Cause.LOGIN_REFUSED);
      time.advance(Duration.ofSeconds(7));
      ScriptedServer.Conn c2 = server.next();
      Frame login2 = c2.take(Frame.BodyCase.LOGIN);
      c2.send(Frame.newBuilder().setReq(login2.getReq()).setError(Error.newBuilder()
          .setCode(ErrorCode.ERROR_CODE_TOKEN_EXPIRED).setMessage("expired")).build());
      await().until(() -> p.rec().state() == ConnectionState.OFFLINE);
      assertThat(p.rec().last().cause()).isEqualTo(Cause.AUTH_FAILED);
      assertThat(((ParleyException) p.rec().last().error()).code()).isEqualTo(ErrorCode.ERROR_CODE_TOKEN_EXPIRED);
      time.advance(Duration.ofHours(1));
      assertThat(server.accepted()).isEqualTo(2);
    }
  }

  @Test
  void requestsMadeOfflineAreSentAfterLoginAndTimeOutOtherwise() throws Exception {
    try (ScriptedServer server = new ScriptedServer()) {
      Pair p = client(server, HeartbeatPolicy.fixed(Duration.ofMinutes(1)));
      var groups = p.client().groups();
      var never = p.client().conversations();
      ScriptedServer.Conn c = online(server, p);
      Frame g = c.take(Frame.BodyCase.GROUP_LIST);
      c.take(Frame.BodyCase.LIST_CONVERSATIONS);
      c.send(Frame.newBuilder().setReq(g.getReq()).setGroupListResult(
          dev.parley.protocol.im.GroupListResult.getDefaultInstance()).build());
      assertThat(groups.get()).isEmpty();
      time.advance(Duration.ofSeconds(15));
      await().until(never::isDone);
      assertThat(never).isCompletedExceptionally();
      assertThat(never.handle((v, e) -> ((ParleyException) e.getCause()).kind()).get())
          .isEqualTo(ParleyException.Kind.TIMEOUT);
    }
  }

  @Test
  void comingToTheForegroundChecksTheLinkOrReconnectsAtOnce() throws Exception {
    try (ScriptedServer server = new ScriptedServer()) {
      Pair p = client(server, HeartbeatPolicy.fixed(Duration.ofMinutes(4)));
      ScriptedServer.Conn c = online(server, p);
      // Online: a heartbeat goes out at once instead of after four minutes.
      p.client().setForeground(true);
      await().until(() -> c.heartbeats() == 1);
      c.sendHeartbeat();

      // Waiting to reconnect: the wait is skipped.
      int before = p.rec().events.size();
      c.close();
      server.next().close();
      await().until(() -> p.rec().state() == ConnectionState.WAITING && p.rec().events.size() > before + 2);
      assertThat(p.rec().last().retryInMillis()).isEqualTo(2000);
      p.client().setForeground(false);
      p.client().setForeground(true);
      online(server, p);
      assertThat(server.accepted()).isEqualTo(3);
    }
  }
}
