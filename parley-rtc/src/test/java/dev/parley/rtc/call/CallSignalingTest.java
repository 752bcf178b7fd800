package dev.parley.rtc.call;

import static dev.parley.rtc.testing.CallClients.WAIT;
import static dev.parley.rtc.testing.CallClients.accept;
import static dev.parley.rtc.testing.CallClients.event;
import static dev.parley.rtc.testing.CallClients.expectError;
import static dev.parley.rtc.testing.CallClients.hangup;
import static dev.parley.rtc.testing.CallClients.invite;
import static dev.parley.rtc.testing.CallClients.next;
import static dev.parley.rtc.testing.CallClients.records;
import static dev.parley.rtc.testing.CallClients.signal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.core.testing.ManualTime;
import dev.parley.im.testing.ImServer;
import dev.parley.im.testing.ImTestClient.Transport;
import dev.parley.im.testing.ImTestClient;
import dev.parley.protocol.im.CallCancel;
import dev.parley.protocol.im.CallEndReason;
import dev.parley.protocol.im.CallInvite;
import dev.parley.protocol.im.CallReject;
import dev.parley.protocol.im.CallState;
import dev.parley.protocol.im.CallStatus;
import dev.parley.protocol.im.ErrorCode;
import dev.parley.protocol.im.Frame;
import dev.parley.protocol.im.Message;
import dev.parley.protocol.im.SignalKind;
import dev.parley.rtc.Signaling;
import dev.parley.rtc.testing.CallClients;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Calls over real sockets: ringing every device, first accept wins, reject, cancel, busy, hangup, records. */
class CallSignalingTest {

  @Test
  void inviteRingsEveryDevice_firstAcceptWins_othersStopRinging() {
    ManualTime time = new ManualTime();
    try (ImServer s = CallClients.server(time).start()) {
      ImTestClient alice = s.login(Transport.WS_JSON, "alice", "a1").autoAck(true);
      ImTestClient bob1 = s.login(Transport.TCP, "bob", "b1").autoAck(true);
      ImTestClient bob2 = s.login(Transport.WS_BINARY, "bob", "b2").autoAck(true);
      ImTestClient bob3 = s.login(Transport.WS_JSON, "bob", "b3").autoAck(true);

      String id = invite(alice, "bob");
      for (ImTestClient b : List.of(bob1, bob2, bob3)) {
        Frame ring = next(b, Frame.BodyCase.CALL_RING);
        assertThat(ring.getCallRing().getCallId()).isEqualTo(id);
        assertThat(ring.getCallRing().getCaller()).isEqualTo("alice");
        assertThat(ring.getCallRing().getExpiresAt()).isEqualTo(time.millis() + 60_000);
      }

      CallState won = accept(bob2, id).getCallState();
      assertThat(won.getStatus()).isEqualTo(CallStatus.CALL_STATUS_ACTIVE);
      assertThat(won.getPolite()).isTrue();
      for (ImTestClient b : List.of(bob1, bob3)) {
        assertThat(next(b, Frame.BodyCase.CALL_STOP_RINGING).getCallStopRinging().getReason())
            .isEqualTo(CallEndReason.CALL_END_REASON_ANSWERED_ELSEWHERE);
      }
      CallState toCaller = next(alice, Frame.BodyCase.CALL_STATE).getCallState();
      assertThat(toCaller.getStatus()).isEqualTo(CallStatus.CALL_STATUS_ACTIVE);
      assertThat(toCaller.getPolite()).isFalse();
      assertThat(toCaller.getCalleeSession()).isEqualTo(won.getCalleeSession());
      expectError(accept(bob3, id), ErrorCode.ERROR_CODE_CALL_STATE);

      // Offer and answer reach the answering device only, with the sender filled in.
      alice.send(signal(id, SignalKind.SIGNAL_KIND_OFFER, "{\"type\":\"offer\",\"sdp\":\"v=0\"}").build());
      Frame offer = next(bob2, Frame.BodyCase.SIGNAL);
      assertThat(offer.getSignal().getPayload()).contains("offer");
      assertThat(offer.getSignal().getFromUser()).isEqualTo("alice");
      assertThat(offer.getSignal().getFromSession()).isEqualTo(won.getCallerSession());
      assertThat(bob2.call(signal(id, SignalKind.SIGNAL_KIND_ANSWER, "{\"type\":\"answer\"}")).hasOk()).isTrue();
      assertThat(next(alice, Frame.BodyCase.SIGNAL).getSignal().getKind()).isEqualTo(SignalKind.SIGNAL_KIND_ANSWER);
      // A device that did not answer cannot signal.
      expectError(bob1.call(signal(id, SignalKind.SIGNAL_KIND_CANDIDATE, "{}")), ErrorCode.ERROR_CODE_CALL_NOT_FOUND);

      assertThat(hangup(alice, id).hasOk()).isTrue();
      CallState ended = next(bob2, Frame.BodyCase.CALL_STATE).getCallState();
      assertThat(ended.getStatus()).isEqualTo(CallStatus.CALL_STATUS_ENDED);
      assertThat(ended.getReason()).isEqualTo(CallEndReason.CALL_END_REASON_HANGUP);
      assertThat(ended.getEndedBy()).isEqualTo("alice");
      assertThat(next(alice, Frame.BodyCase.CALL_STATE).getCallState().getStatus()).isEqualTo(CallStatus.CALL_STATUS_ENDED);
      expectError(hangup(bob2, id), ErrorCode.ERROR_CODE_CALL_NOT_FOUND);

      await().atMost(WAIT).until(() -> records(bob1).stream().anyMatch(event("call.completed")));
      Message record = records(alice).stream().filter(event("call.completed")).findFirst().orElseThrow();
      assertThat(record.getConversation()).isEqualTo("u:alice:bob");
      assertThat(record.getSender()).isEqualTo("alice");
      assertThat(record.getAttributesMap()).containsEntry("call_id", id).containsEntry("outcome", "completed")
          .containsEntry("media", "video").containsKey("duration_ms");
      assertThat(records(alice)).hasSize(1);
      assertThat(signaling(s).calls()).isZero();
    }
  }

  @Test
  void onlyTheTwoAnsweringDevicesMayEndOrSignalAnAnsweredCall() {
    try (ImServer s = CallClients.server().start()) {
      ImTestClient alice1 = s.login(Transport.TCP, "alice", "a1").autoAck(true);
      ImTestClient alice2 = s.login(Transport.TCP, "alice", "a2").autoAck(true);
      ImTestClient bob1 = s.login(Transport.TCP, "bob", "b1").autoAck(true);
      ImTestClient bob2 = s.login(Transport.WS_JSON, "bob", "b2").autoAck(true);
      String id = invite(alice1, "bob");
      next(bob1, Frame.BodyCase.CALL_RING);
      next(bob2, Frame.BodyCase.CALL_RING);
      accept(bob1, id);
      next(bob2, Frame.BodyCase.CALL_STOP_RINGING);
      next(alice1, Frame.BodyCase.CALL_STATE);

      // The callee's device that never answered, and the caller's other device, are not in the call.
      for (ImTestClient outsider : List.of(bob2, alice2)) {
        expectError(hangup(outsider, id), ErrorCode.ERROR_CODE_CALL_NOT_FOUND);
        expectError(outsider.call(signal(id, SignalKind.SIGNAL_KIND_CANDIDATE, "{}")), ErrorCode.ERROR_CODE_CALL_NOT_FOUND);
        expectError(outsider.call(Frame.newBuilder().setCallReject(CallReject.newBuilder().setCallId(id))),
            outsider == bob2 ? ErrorCode.ERROR_CODE_CALL_STATE : ErrorCode.ERROR_CODE_CALL_NOT_FOUND);
      }
      // The call is still up for both parties: a signal goes through, and nobody was told it ended.
      alice1.send(signal(id, SignalKind.SIGNAL_KIND_OFFER, "{\"type\":\"offer\"}").build());
      assertThat(next(bob1, Frame.BodyCase.SIGNAL).getSignal().getKind()).isEqualTo(SignalKind.SIGNAL_KIND_OFFER);
      assertThat(alice1.drainEvents()).noneMatch(Frame::hasCallState);
      assertThat(signaling(s).calls()).isEqualTo(1);

      assertThat(hangup(bob1, id).hasOk()).isTrue();
      CallState ended = next(alice1, Frame.BodyCase.CALL_STATE).getCallState();
      assertThat(ended.getReason()).isEqualTo(CallEndReason.CALL_END_REASON_HANGUP);
      assertThat(ended.getEndedBy()).isEqualTo("bob");
    }
  }

  @Test
  void onlyTheInvitingDeviceMayCancel_andOnlyARungDeviceMayDecline() {
    try (ImServer s = CallClients.server().start()) {
      ImTestClient alice1 = s.login(Transport.TCP, "alice", "a1").autoAck(true);
      ImTestClient alice2 = s.login(Transport.TCP, "alice", "a2").autoAck(true);
      ImTestClient bob = s.login(Transport.TCP, "bob", "b1").autoAck(true);
      String id = invite(alice1, "bob");
      next(bob, Frame.BodyCase.CALL_RING);
      expectError(alice2.call(Frame.newBuilder().setCallCancel(CallCancel.newBuilder().setCallId(id))),
          ErrorCode.ERROR_CODE_CALL_NOT_FOUND);
      expectError(hangup(alice2, id), ErrorCode.ERROR_CODE_CALL_NOT_FOUND);
      // A caller's device cannot decline its own call either.
      expectError(alice2.call(Frame.newBuilder().setCallReject(CallReject.newBuilder().setCallId(id))),
          ErrorCode.ERROR_CODE_CALL_NOT_FOUND);
      assertThat(bob.drainEvents()).as("still ringing").noneMatch(Frame::hasCallStopRinging);

      // Hangup on a ringing call: from a rung callee device it declines, from the inviting device it cancels.
      assertThat(hangup(bob, id).hasOk()).isTrue();
      CallState declined = next(alice1, Frame.BodyCase.CALL_STATE).getCallState();
      assertThat(declined.getReason()).isEqualTo(CallEndReason.CALL_END_REASON_DECLINED);
      assertThat(declined.getEndedBy()).isEqualTo("bob");
      String second = invite(alice1, "bob");
      next(bob, Frame.BodyCase.CALL_RING);
      assertThat(hangup(alice1, second).hasOk()).isTrue();
      assertThat(next(bob, Frame.BodyCase.CALL_STOP_RINGING).getCallStopRinging().getReason())
          .isEqualTo(CallEndReason.CALL_END_REASON_CANCELLED);
    }
  }

  @Test
  void rejectEndsTheCallAsDeclined() {
    try (ImServer s = CallClients.server().start()) {
      ImTestClient alice = s.login(Transport.TCP, "alice", "a1").autoAck(true);
      ImTestClient bob1 = s.login(Transport.TCP, "bob", "b1");
      ImTestClient bob2 = s.login(Transport.TCP, "bob", "b2");
      String id = invite(alice, "bob");
      next(bob1, Frame.BodyCase.CALL_RING);
      next(bob2, Frame.BodyCase.CALL_RING);

      assertThat(bob1.call(Frame.newBuilder().setCallReject(CallReject.newBuilder().setCallId(id))).hasOk()).isTrue();
      CallState ended = next(alice, Frame.BodyCase.CALL_STATE).getCallState();
      assertThat(ended.getReason()).isEqualTo(CallEndReason.CALL_END_REASON_DECLINED);
      assertThat(ended.getEndedBy()).isEqualTo("bob");
      assertThat(next(bob2, Frame.BodyCase.CALL_STOP_RINGING).getCallStopRinging().getReason())
          .isEqualTo(CallEndReason.CALL_END_REASON_DECLINED_ELSEWHERE);
      assertThat(bob1.drainEvents()).allMatch(Frame::hasReceipt);
      await().atMost(WAIT).until(() -> records(alice).stream().anyMatch(event("call.declined")));
    }
  }

  @Test
  void rejectAsBusyEndsWithBusy() {
    try (ImServer s = CallClients.server().start()) {
      ImTestClient alice = s.login(Transport.TCP, "alice", "a1").autoAck(true);
      ImTestClient bob = s.login(Transport.TCP, "bob", "b1");
      String id = invite(alice, "bob");
      next(bob, Frame.BodyCase.CALL_RING);
      bob.call(Frame.newBuilder().setCallReject(CallReject.newBuilder().setCallId(id).setBusy(true)));
      assertThat(next(alice, Frame.BodyCase.CALL_STATE).getCallState().getReason())
          .isEqualTo(CallEndReason.CALL_END_REASON_BUSY);
      await().atMost(WAIT).until(() -> records(alice).stream().anyMatch(event("call.busy")));
    }
  }

  @Test
  void cancelStopsEveryRingingDevice_andCannotCancelAnAnsweredCall() {
    try (ImServer s = CallClients.server().start()) {
      ImTestClient alice = s.login(Transport.TCP, "alice", "a1").autoAck(true);
      ImTestClient bob1 = s.login(Transport.TCP, "bob", "b1");
      ImTestClient bob2 = s.login(Transport.WS_JSON, "bob", "b2");
      String id = invite(alice, "bob");
      next(bob1, Frame.BodyCase.CALL_RING);
      next(bob2, Frame.BodyCase.CALL_RING);
      assertThat(alice.call(Frame.newBuilder().setCallCancel(CallCancel.newBuilder().setCallId(id))).hasOk()).isTrue();
      for (ImTestClient b : List.of(bob1, bob2)) {
        assertThat(next(b, Frame.BodyCase.CALL_STOP_RINGING).getCallStopRinging().getReason())
            .isEqualTo(CallEndReason.CALL_END_REASON_CANCELLED);
      }
      assertThat(next(alice, Frame.BodyCase.CALL_STATE).getCallState().getReason())
          .isEqualTo(CallEndReason.CALL_END_REASON_CANCELLED);
      expectError(accept(bob1, id), ErrorCode.ERROR_CODE_CALL_NOT_FOUND);
      await().atMost(WAIT).until(() -> records(alice).stream().anyMatch(event("call.cancelled")));

      String second = invite(alice, "bob");
      next(bob1, Frame.BodyCase.CALL_RING);
      accept(bob1, second);
      expectError(alice.call(Frame.newBuilder().setCallCancel(CallCancel.newBuilder().setCallId(second))),
          ErrorCode.ERROR_CODE_CALL_STATE);
      // bob cannot cancel alice's call: he is not its caller.
      expectError(bob1.call(Frame.newBuilder().setCallCancel(CallCancel.newBuilder().setCallId(second))),
          ErrorCode.ERROR_CODE_CALL_NOT_FOUND);
    }
  }

  @Test
  void calleeInAnotherCallIsBusy() {
    try (ImServer s = CallClients.server().start()) {
      ImTestClient alice = s.login(Transport.TCP, "alice", "a1");
      ImTestClient bob = s.login(Transport.TCP, "bob", "b1");
      ImTestClient carol = s.login(Transport.TCP, "carol", "c1").autoAck(true);
      String id = invite(alice, "bob");
      next(bob, Frame.BodyCase.CALL_RING);
      accept(bob, id);

      Frame refused = carol.call(Frame.newBuilder().setCallInvite(CallInvite.newBuilder().setToUser("bob")));
      expectError(refused, ErrorCode.ERROR_CODE_BUSY);
      assertThat(bob.drainEvents()).as("a busy callee is not rung").allMatch(Frame::hasReceipt);
      await().atMost(WAIT).until(() -> records(carol).stream().anyMatch(event("call.busy")));
      assertThat(records(carol).get(0).getConversation()).isEqualTo("u:bob:carol");
      // The caller of a ringing call is busy too.
      expectError(bob.call(Frame.newBuilder().setCallInvite(CallInvite.newBuilder().setToUser("alice"))),
          ErrorCode.ERROR_CODE_BUSY);
    }
  }

  @Test
  void unansweredCallTimesOutAsMissed() {
    ManualTime time = new ManualTime();
    try (ImServer s = CallClients.server(time).start()) {
      ImTestClient alice = s.login(Transport.TCP, "alice", "a1").autoAck(true);
      ImTestClient bob = s.login(Transport.TCP, "bob", "b1").autoAck(true);
      String id = invite(alice, "bob");
      assertThat(next(bob, Frame.BodyCase.CALL_RING).getCallRing().getExpiresAt())
          .isEqualTo(time.millis() + 60_000);
      time.advance(Duration.ofSeconds(59));
      assertThat(accept(bob, id).getCallState().getStatus()).as("still ringing at 59 s").isEqualTo(CallStatus.CALL_STATUS_ACTIVE);
      hangup(bob, id);
      next(bob, Frame.BodyCase.CALL_STATE);
      next(alice, Frame.BodyCase.CALL_STATE);
      next(alice, Frame.BodyCase.CALL_STATE);

      id = invite(alice, "bob");
      next(bob, Frame.BodyCase.CALL_RING);
      time.advance(Duration.ofSeconds(60));
      assertThat(next(bob, Frame.BodyCase.CALL_STOP_RINGING).getCallStopRinging().getReason())
          .isEqualTo(CallEndReason.CALL_END_REASON_TIMEOUT);
      CallState ended = next(alice, Frame.BodyCase.CALL_STATE).getCallState();
      assertThat(ended.getReason()).isEqualTo(CallEndReason.CALL_END_REASON_TIMEOUT);
      assertThat(ended.getCallId()).isEqualTo(id);
      await().atMost(WAIT).until(() -> records(bob).stream().anyMatch(event("call.missed")));
      expectError(accept(bob, id), ErrorCode.ERROR_CODE_CALL_NOT_FOUND);
    }
  }

  @Test
  void offlineCalleeGetsAStoredRingingMessage_andADeviceThatLogsInWhileItRingsIsRung() {
    try (ImServer s = CallClients.server().start()) {
      ImTestClient alice = s.login(Transport.TCP, "alice", "a1").autoAck(true);
      String id = invite(alice, "bob");
      await().atMost(WAIT).until(() -> records(alice).stream().anyMatch(event("call.ringing")));
      assertThat(s.storedMessages("u:alice:bob")).isEqualTo(1);

      ImTestClient bob = s.login(Transport.WS_JSON, "bob", "b1");
      assertThat(next(bob, Frame.BodyCase.CALL_RING).getCallRing().getCallId()).isEqualTo(id);
      assertThat(accept(bob, id).getCallState().getStatus()).isEqualTo(CallStatus.CALL_STATUS_ACTIVE);
    }
  }

  @Test
  void tooManyUnansweredInvitesAreRefused() {
    try (ImServer s = CallClients.server().set("rtc.call.max-invites-per-user", 2).start()) {
      ImTestClient alice = s.login(Transport.TCP, "alice", "a1");
      invite(alice, "bob");
      invite(alice, "carol");
      expectError(alice.call(Frame.newBuilder().setCallInvite(CallInvite.newBuilder().setToUser("dave"))),
          ErrorCode.ERROR_CODE_LIMIT_EXCEEDED);
    }
  }

  @Test
  void loginAnswerCarriesIceServersWithRestCredentials() {
    ManualTime time = new ManualTime();
    try (ImServer s = CallClients.server(time).start()) {
      ImTestClient c = s.connect(Transport.TCP);
      var ok = c.login(s.token("alice"), "a1").getLoginOk();
      assertThat(ok.getIceServersList()).isNotEmpty();
      var turn = ok.getIceServersList().stream().filter(i -> i.getUrls(0).startsWith("turn:")).findFirst().orElseThrow();
      assertThat(turn.getUsername()).endsWith(":alice");
      assertThat(turn.getCredential()).isNotBlank();
      assertThat(ok.getIceExpiresAt()).isEqualTo(time.millis() + Duration.ofHours(12).toMillis());
      assertThat(turn.getUsername()).isEqualTo(time.now().plus(Duration.ofHours(12)).getEpochSecond() + ":alice");
    }
  }

  static Signaling signaling(ImServer s) {
    return s.kernel().kernel().context().services().first(Signaling.class).orElseThrow();
  }
}
