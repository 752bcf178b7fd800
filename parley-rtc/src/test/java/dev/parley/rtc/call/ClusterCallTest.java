package dev.parley.rtc.call;

import static dev.parley.rtc.call.CallSignalingTest.signaling;
import static dev.parley.rtc.testing.CallClients.WAIT;
import static dev.parley.rtc.testing.CallClients.accept;
import static dev.parley.rtc.testing.CallClients.expectError;
import static dev.parley.rtc.testing.CallClients.hangup;
import static dev.parley.rtc.testing.CallClients.invite;
import static dev.parley.rtc.testing.CallClients.event;
import static dev.parley.rtc.testing.CallClients.next;
import static dev.parley.rtc.testing.CallClients.records;
import static dev.parley.rtc.testing.CallClients.signal;
import static dev.parley.rtc.testing.SignalCluster.awaitSessions;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.core.testing.ManualTime;
import dev.parley.im.testing.ImServer;
import dev.parley.im.testing.ImTestClient;
import dev.parley.im.testing.ImTestClient.Transport;
import dev.parley.protocol.im.CallEndReason;
import dev.parley.protocol.im.CallInvite;
import dev.parley.protocol.im.CallState;
import dev.parley.protocol.im.CallStatus;
import dev.parley.protocol.im.CallStopRinging;
import dev.parley.protocol.im.ErrorCode;
import dev.parley.protocol.im.Frame;
import dev.parley.protocol.im.History;
import dev.parley.protocol.im.Message;
import dev.parley.protocol.im.SignalKind;
import dev.parley.rtc.RtcModule;
import dev.parley.rtc.testing.SignalCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Calls on two nodes in one JVM, sharing one PostgreSQL database and joined by an in-memory bus:
 * a call held by the node its invite arrived at rings, is answered, relays signals and ends with
 * parties on either node, and ends when the node of a party dies.
 */
class ClusterCallTest {
  private final ManualTime time = new ManualTime();
  private SignalCluster cluster;
  private ImServer a;
  private ImServer b;

  @BeforeEach
  void start() {
    cluster = new SignalCluster(time);
    a = cluster.node("a");
    b = cluster.node("b");
  }

  @AfterEach
  void stop() throws InterruptedException {
    cluster.close();
  }

  @Test
  void anInviteOnOneNodeRingsTheCalleeOnTheOtherAndSignalsRelayBothWaysInOrder() {
    ImTestClient alice = a.login(Transport.TCP, "alice", "a1").autoAck(true);
    ImTestClient bob = b.login(Transport.WS_BINARY, "bob", "b1").autoAck(true);
    awaitSessions(a, "bob", 1);

    String id = invite(alice, "bob");
    assertThat(id).endsWith("@a");
    Frame ring = next(bob, Frame.BodyCase.CALL_RING);
    assertThat(ring.getCallRing().getCallId()).isEqualTo(id);
    assertThat(ring.getCallRing().getCaller()).isEqualTo("alice");

    CallState won = accept(bob, id).getCallState();
    assertThat(won.getStatus()).isEqualTo(CallStatus.CALL_STATUS_ACTIVE);
    assertThat(won.getPolite()).isTrue();
    CallState toCaller = next(alice, Frame.BodyCase.CALL_STATE).getCallState();
    assertThat(toCaller.getStatus()).isEqualTo(CallStatus.CALL_STATUS_ACTIVE);
    assertThat(toCaller.getCalleeSession()).isEqualTo(won.getCalleeSession());

    alice.send(signal(id, SignalKind.SIGNAL_KIND_OFFER, "{\"type\":\"offer\"}").build());
    Frame offer = next(bob, Frame.BodyCase.SIGNAL);
    assertThat(offer.getSignal().getKind()).isEqualTo(SignalKind.SIGNAL_KIND_OFFER);
    assertThat(offer.getSignal().getFromUser()).isEqualTo("alice");
    assertThat(offer.getSignal().getFromSession()).isEqualTo(won.getCallerSession());
    assertThat(bob.call(signal(id, SignalKind.SIGNAL_KIND_ANSWER, "{\"type\":\"answer\"}")).hasOk()).isTrue();
    assertThat(next(alice, Frame.BodyCase.SIGNAL).getSignal().getKind()).isEqualTo(SignalKind.SIGNAL_KIND_ANSWER);
    for (int i = 0; i < 20; i++) {
      bob.send(signal(id, SignalKind.SIGNAL_KIND_CANDIDATE, "{\"from\":\"bob\",\"n\":" + i + "}").build());
      alice.send(signal(id, SignalKind.SIGNAL_KIND_CANDIDATE, "{\"from\":\"alice\",\"n\":" + i + "}").build());
    }
    for (int i = 0; i < 20; i++) {
      assertThat(next(alice, Frame.BodyCase.SIGNAL).getSignal().getPayload()).isEqualTo("{\"from\":\"bob\",\"n\":" + i + "}");
      assertThat(next(bob, Frame.BodyCase.SIGNAL).getSignal().getPayload()).isEqualTo("{\"from\":\"alice\",\"n\":" + i + "}");
    }

    assertThat(hangup(bob, id).hasOk()).isTrue();
    CallState ended = next(alice, Frame.BodyCase.CALL_STATE).getCallState();
    assertThat(ended.getStatus()).isEqualTo(CallStatus.CALL_STATUS_ENDED);
    assertThat(ended.getReason()).isEqualTo(CallEndReason.CALL_END_REASON_HANGUP);
    assertThat(ended.getEndedBy()).isEqualTo("bob");
    assertThat(next(bob, Frame.BodyCase.CALL_STATE).getCallState().getStatus()).isEqualTo(CallStatus.CALL_STATUS_ENDED);
    assertThat(signaling(a).calls()).isZero();
    assertThat(signaling(b).calls()).isZero();
  }

  @Test
  void answeringOnOneNodeStopsTheRingingOnTheOther() {
    ImTestClient carol = b.login(Transport.TCP, "carol", "c1").autoAck(true);
    ImTestClient phone = a.login(Transport.TCP, "dave", "phone").autoAck(true);
    ImTestClient laptop = b.login(Transport.WS_JSON, "dave", "laptop").autoAck(true);
    awaitSessions(b, "dave", 2);

    String id = invite(carol, "dave");
    assertThat(id).endsWith("@b");
    next(phone, Frame.BodyCase.CALL_RING);
    next(laptop, Frame.BodyCase.CALL_RING);
    // The phone is on node a, the call on node b: the accept is forwarded there.
    assertThat(accept(phone, id).getCallState().getStatus()).isEqualTo(CallStatus.CALL_STATUS_ACTIVE);
    assertThat(next(laptop, Frame.BodyCase.CALL_STOP_RINGING).getCallStopRinging().getReason())
        .isEqualTo(CallEndReason.CALL_END_REASON_ANSWERED_ELSEWHERE);
    assertThat(next(carol, Frame.BodyCase.CALL_STATE).getCallState().getStatus()).isEqualTo(CallStatus.CALL_STATUS_ACTIVE);
    assertThat(signaling(b).calls()).isEqualTo(1);
    assertThat(signaling(a).calls()).isZero();

    assertThat(hangup(carol, id).hasOk()).isTrue();
    assertThat(next(phone, Frame.BodyCase.CALL_STATE).getCallState().getReason())
        .isEqualTo(CallEndReason.CALL_END_REASON_HANGUP);
    assertThat(laptop.drainEvents()).noneMatch(Frame::hasCallState);
  }

  @Test
  void whenTheCalleesNodeDiesTheCallEndsAsWhenItsSessionCloses() {
    ImTestClient erin = a.login(Transport.TCP, "erin", "e1").autoAck(true);
    ImTestClient frank = b.login(Transport.TCP, "frank", "f1").autoAck(true);
    awaitSessions(a, "frank", 1);
    String id = invite(erin, "frank");
    next(frank, Frame.BodyCase.CALL_RING);
    accept(frank, id);
    next(erin, Frame.BodyCase.CALL_STATE);

    cluster.die("b");
    time.advance(Duration.ofSeconds(5));
    awaitSessions(a, "frank", 0);
    // Within the reconnect grace the call waits for frank's device, as for a dropped connection.
    List<Frame> seen = new ArrayList<>();
    await().atMost(WAIT).until(() -> {
      time.advance(Duration.ofSeconds(1));
      seen.addAll(erin.drainEvents());
      return seen.stream().anyMatch(Frame::hasCallState);
    });
    CallState ended = seen.stream().filter(Frame::hasCallState).findFirst().orElseThrow().getCallState();
    assertThat(ended.getStatus()).isEqualTo(CallStatus.CALL_STATUS_ENDED);
    assertThat(ended.getReason()).isEqualTo(CallEndReason.CALL_END_REASON_CONNECTION_LOST);
    assertThat(signaling(a).calls()).isZero();
  }

  /** A call from {@code caller} on node a, ringing {@code callee}'s phone on b and tablet on c. */
  private record Ringing(ImServer c, ImTestClient caller, ImTestClient phone, ImTestClient tablet, String id) {
  }

  private Ringing ringOnBAndC(String caller, String callee) {
    ImTestClient from = a.login(Transport.TCP, caller, caller + "-1").autoAck(true);
    ImTestClient phone = b.login(Transport.TCP, callee, "phone").autoAck(true);
    ImServer c = cluster.node("c");
    ImTestClient tablet = c.login(Transport.TCP, callee, "tablet").autoAck(true);
    awaitSessions(a, callee, 2);
    String id = invite(from, callee);
    next(phone, Frame.BodyCase.CALL_RING);
    next(tablet, Frame.BodyCase.CALL_RING);
    return new Ringing(c, from, phone, tablet, id);
  }

  @Test
  void whenTheNodeHoldingAnAnsweredCallDiesThePartyOnAnotherNodeIsToldItEnded_andOneRecordIsStored() {
    Ringing r = ringOnBAndC("ida", "jon");
    ImTestClient ida = r.caller();
    ImTestClient phone = r.phone();
    ImTestClient tablet = r.tablet();
    String id = r.id();
    assertThat(id).endsWith("@a");
    accept(phone, id);
    next(tablet, Frame.BodyCase.CALL_STOP_RINGING);
    next(ida, Frame.BodyCase.CALL_STATE);
    time.advance(Duration.ofSeconds(3));

    cluster.die("a");
    time.advance(Duration.ofSeconds(5));

    CallState ended = next(phone, Frame.BodyCase.CALL_STATE).getCallState();
    assertThat(ended.getCallId()).isEqualTo(id);
    assertThat(ended.getStatus()).isEqualTo(CallStatus.CALL_STATUS_ENDED);
    assertThat(ended.getReason()).isEqualTo(CallEndReason.CALL_END_REASON_CONNECTION_LOST);
    assertThat(ended.getCaller()).isEqualTo("ida");
    assertThat(ended.getDurationMs()).isGreaterThanOrEqualTo(3_000);
    await().atMost(WAIT).until(() -> records(phone).stream().anyMatch(event("call.completed")));
    Message record = records(phone).get(0);
    assertThat(record.getAttributesMap()).containsEntry("call_id", id).containsEntry("reason", "connection_lost")
        .containsEntry("caller", "ida");
    await().atMost(WAIT).until(() -> records(tablet).size() == 1);
    assertThat(tablet.drainEvents()).noneMatch(Frame::hasCallState);
  }

  @Test
  void whenTheNodeHoldingARingingCallDiesTheDevicesRingingOnTheOtherNodesStop_andOneRecordIsStored() {
    Ringing r = ringOnBAndC("kim", "lee");
    ImTestClient phone = r.phone();
    ImTestClient tablet = r.tablet();
    String id = r.id();

    cluster.die("a");
    time.advance(Duration.ofSeconds(5));

    for (ImTestClient device : List.of(phone, tablet)) {
      CallStopRinging stop = next(device, Frame.BodyCase.CALL_STOP_RINGING).getCallStopRinging();
      assertThat(stop.getCallId()).isEqualTo(id);
      assertThat(stop.getReason()).isEqualTo(CallEndReason.CALL_END_REASON_CONNECTION_LOST);
    }
    // Both nodes store the record; its client id makes it one.
    await().atMost(WAIT).until(() -> remoteCalls(b).recordsStored() == 1 && remoteCalls(r.c()).recordsStored() == 1);
    List<Message> stored = phone.call(Frame.newBuilder().setHistory(History.newBuilder().setConversation("u:kim:lee")))
        .getHistoryResult().getMessagesList();
    assertThat(stored).singleElement().satisfies(m -> {
      assertThat(m.getEvent()).isEqualTo("call.missed");
      assertThat(m.getAttributesMap()).containsEntry("call_id", id).containsEntry("reason", "connection_lost");
    });
    await().atMost(WAIT).until(() -> records(tablet).stream().anyMatch(event("call.missed")));
  }

  private static RemoteCalls remoteCalls(ImServer node) {
    return node.kernel().kernel().context().services().first(RemoteCalls.class).orElseThrow();
  }

  @Test
  void aNodeThatStartsLaterRingsSessionsOfTheOthersAndADeviceLoggingInElsewhereIsRungToo() {
    ImTestClient gina = a.login(Transport.TCP, "gina", "g1").autoAck(true);
    ImServer c = cluster.node("c");
    ImTestClient hank = c.login(Transport.TCP, "hank", "h1").autoAck(true);
    // Node c learns gina's session, logged in before it started, by asking.
    awaitSessions(c, "gina", 1);
    String id = invite(hank, "gina");
    assertThat(id).endsWith("@c");
    next(gina, Frame.BodyCase.CALL_RING);
    // A device of gina's that logs in on node b while the call rings is rung too.
    ImTestClient late = b.login(Transport.TCP, "gina", "g2").autoAck(true);
    assertThat(next(late, Frame.BodyCase.CALL_RING).getCallRing().getCallId()).isEqualTo(id);
    assertThat(hangup(hank, id).hasOk()).isTrue();
    next(gina, Frame.BodyCase.CALL_STOP_RINGING);
    next(late, Frame.BodyCase.CALL_STOP_RINGING);
  }

  @Test
  void aUserInACallOneNodeHoldsIsBusyForInvitesAnotherNodeHolds_andFreeAgainAfterIt() {
    ImTestClient ann = a.login(Transport.TCP, "ann", "a1").autoAck(true);
    ImTestClient ben = b.login(Transport.TCP, "ben", "b1").autoAck(true);
    ImTestClient cat = b.login(Transport.TCP, "cat", "c1").autoAck(true);
    awaitSessions(a, "ben", 1);
    String id = invite(ann, "ben");
    assertThat(id).endsWith("@a");
    next(ben, Frame.BodyCase.CALL_RING);
    // Ringing, ben is not busy yet; ann, calling, is.
    expectError(cat.call(Frame.newBuilder().setCallInvite(CallInvite.newBuilder().setToUser("ann"))),
        ErrorCode.ERROR_CODE_BUSY);
    accept(ben, id);
    next(ann, Frame.BodyCase.CALL_STATE);
    // Node b holds cat's invites, node a the call ben is in.
    Frame busy = cat.call(Frame.newBuilder().setCallInvite(CallInvite.newBuilder().setToUser("ben")));
    expectError(busy, ErrorCode.ERROR_CODE_BUSY);
    assertThat(busy.getError().getMessage()).contains("ben");
    assertThat(signaling(b).calls()).isZero();

    assertThat(hangup(ann, id).hasOk()).isTrue();
    next(ben, Frame.BodyCase.CALL_STATE);
    String again = invite(cat, "ben");
    assertThat(again).endsWith("@b");
    assertThat(next(ben, Frame.BodyCase.CALL_RING).getCallRing().getCallId()).isEqualTo(again);
  }

  @Test
  void eachNodeListsItsOwnTurnServerInTheLoginAnswer() {
    for (ImServer node : List.of(a, b)) {
      int port = node.kernel().port(RtcModule.TCP_LISTENER);
      Frame ok = node.connect(Transport.TCP).login(node.token("ice"), "d");
      List<String> urls = ok.getLoginOk().getIceServersList().stream().flatMap(s -> s.getUrlsList().stream()).toList();
      assertThat(urls).anyMatch(u -> u.startsWith("turn:") && u.contains(":" + port + "?transport=tcp"));
    }
    assertThat(a.kernel().port(RtcModule.TCP_LISTENER)).isNotEqualTo(b.kernel().port(RtcModule.TCP_LISTENER));
  }
}
