package dev.parley.rtc.call;

import static dev.parley.rtc.testing.CallClients.WAIT;
import static dev.parley.rtc.testing.CallClients.accept;
import static dev.parley.rtc.testing.CallClients.event;
import static dev.parley.rtc.testing.CallClients.expectError;
import static dev.parley.rtc.testing.CallClients.invite;
import static dev.parley.rtc.testing.CallClients.next;
import static dev.parley.rtc.testing.CallClients.records;
import static dev.parley.rtc.testing.CallClients.signal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.core.testing.ManualTime;
import dev.parley.im.testing.ImServer;
import dev.parley.im.testing.ImTestClient;
import dev.parley.im.testing.ImTestClient.Transport;
import dev.parley.protocol.im.CallEndReason;
import dev.parley.protocol.im.CallRing;
import dev.parley.protocol.im.CallState;
import dev.parley.protocol.im.CallStatus;
import dev.parley.protocol.im.ErrorCode;
import dev.parley.protocol.im.Frame;
import dev.parley.protocol.im.Signal;
import dev.parley.protocol.im.SignalKind;
import dev.parley.rtc.testing.CallClients;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Relay of offers, answers and candidates: order, reconnect grace, malformed signaling. */
class SignalRelayTest {

  /** Alice calls bob, bob answers; returns the call id. */
  static String answered(ImTestClient alice, ImTestClient bob) {
    String id = invite(alice, "bob");
    next(bob, Frame.BodyCase.CALL_RING);
    accept(bob, id);
    next(alice, Frame.BodyCase.CALL_STATE);
    return id;
  }

  @Test
  void thousandCandidatesFromEachSideArriveInTheOrderSent() {
    try (ImServer s = CallClients.server().set("im.rate.requests-per-second", 100_000)
        .set("im.rate.burst", 100_000).start()) {
      ImTestClient alice = s.login(Transport.TCP, "alice", "a1");
      ImTestClient bob = s.login(Transport.WS_JSON, "bob", "b1");
      String id = answered(alice, bob);

      Thread other = new Thread(() -> {
        for (int i = 0; i < 1000; i++) {
          bob.send(signal(id, SignalKind.SIGNAL_KIND_CANDIDATE, "{\"i\":" + i + "}").build());
        }
      });
      other.start();
      for (int i = 0; i < 1000; i++) {
        alice.send(signal(id, SignalKind.SIGNAL_KIND_CANDIDATE, "{\"i\":" + i + "}").build());
      }
      List<String> atBob = new ArrayList<>();
      List<String> atAlice = new ArrayList<>();
      List<String> expected = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        atBob.add(next(bob, Frame.BodyCase.SIGNAL).getSignal().getPayload());
        atAlice.add(next(alice, Frame.BodyCase.SIGNAL).getSignal().getPayload());
        expected.add("{\"i\":" + i + "}");
      }
      assertThat(atBob).containsExactlyElementsOf(expected);
      assertThat(atAlice).containsExactlyElementsOf(expected);
    }
  }

  @Test
  void mediaStateIsRelayedInOrderWithTheOtherSignalsAndMalformedOnesAreRefused() {
    try (ImServer s = CallClients.server().start()) {
      ImTestClient alice = s.login(Transport.TCP, "alice", "a1");
      ImTestClient bob = s.login(Transport.WS_JSON, "bob", "b1");
      String id = answered(alice, bob);

      List<String> malformed = List.of("", "camera off", "null", "[]", "{}", "{\"video\":\"off\"}",
          "{\"video\":false,\"screen\":true}", "{\"audio\":1}");
      for (String payload : malformed) {
        Frame refused = alice.call(signal(id, SignalKind.SIGNAL_KIND_MEDIA, payload));
        expectError(refused, ErrorCode.ERROR_CODE_BAD_REQUEST);
        assertThat(refused.getError().getMessage()).as("refusal of %s", payload).contains("media signal");
      }

      alice.send(signal(id, SignalKind.SIGNAL_KIND_CANDIDATE, "{\"c\":1}").build());
      alice.send(signal(id, SignalKind.SIGNAL_KIND_MEDIA, "{\"video\":false,\"audio\":true}").build());
      alice.send(signal(id, SignalKind.SIGNAL_KIND_CANDIDATE, "{\"c\":2}").build());
      alice.send(signal(id, SignalKind.SIGNAL_KIND_MEDIA, "{\"video\":true}").build());
      List<Signal> atBob = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        atBob.add(next(bob, Frame.BodyCase.SIGNAL).getSignal());
      }
      assertThat(atBob).extracting(Signal::getKind).containsExactly(SignalKind.SIGNAL_KIND_CANDIDATE,
          SignalKind.SIGNAL_KIND_MEDIA, SignalKind.SIGNAL_KIND_CANDIDATE, SignalKind.SIGNAL_KIND_MEDIA);
      assertThat(atBob).extracting(Signal::getPayload).containsExactly("{\"c\":1}",
          "{\"video\":false,\"audio\":true}", "{\"c\":2}", "{\"video\":true}");
      assertThat(atBob).extracting(Signal::getFromUser).containsOnly("alice");
      // Nothing of the refused ones reached bob.
      assertThat(bob.drainEvents()).isEmpty();
    }
  }

  @Test
  void deviceThatReconnectsWithinTheGraceResumesItsCall() {
    ManualTime time = new ManualTime();
    try (ImServer s = CallClients.server(time).start()) {
      ImTestClient alice = s.login(Transport.TCP, "alice", "a1");
      ImTestClient bob = s.login(Transport.TCP, "bob", "b1");
      String id = answered(alice, bob);

      bob.cut();
      // Signals while bob is away are dropped (he renegotiates when back), not errors.
      await().atMost(WAIT).untilAsserted(() -> {
        alice.call(signal(id, SignalKind.SIGNAL_KIND_CUSTOM, "{}"));
        assertThat(s.im().directory().sessions("bob")).isEmpty();
      });
      time.advance(Duration.ofSeconds(14));
      ImTestClient back = s.login(Transport.WS_JSON, "bob", "b1");
      CallState resumed = next(back, Frame.BodyCase.CALL_STATE).getCallState();
      assertThat(resumed.getStatus()).isEqualTo(CallStatus.CALL_STATUS_ACTIVE);
      assertThat(resumed.getResumed()).isTrue();
      assertThat(resumed.getPolite()).isTrue();
      CallState toAlice = next(alice, Frame.BodyCase.CALL_STATE).getCallState();
      assertThat(toAlice.getRestartIce()).isTrue();
      assertThat(toAlice.getCalleeSession()).isEqualTo(resumed.getCalleeSession());

      alice.send(signal(id, SignalKind.SIGNAL_KIND_OFFER, "{\"restart\":true}").build());
      assertThat(next(back, Frame.BodyCase.SIGNAL).getSignal().getPayload()).isEqualTo("{\"restart\":true}");
      // The grace timer was called off: the call outlives the grace.
      time.advance(Duration.ofSeconds(20));
      assertThat(CallSignalingTest.signaling(s).calls()).isEqualTo(1);
      assertThat(CallClients.hangup(back, id).hasOk()).isTrue();
      assertThat(next(alice, Frame.BodyCase.CALL_STATE).getCallState().getReason())
          .isEqualTo(CallEndReason.CALL_END_REASON_HANGUP);
    }
  }

  @Test
  void callEndsWhenTheDeviceDoesNotComeBackWithinTheGrace() {
    ManualTime time = new ManualTime();
    try (ImServer s = CallClients.server(time).start()) {
      ImTestClient alice = s.login(Transport.TCP, "alice", "a1").autoAck(true);
      ImTestClient bob = s.login(Transport.TCP, "bob", "b1");
      answered(alice, bob);
      bob.cut();
      await().atMost(WAIT).until(() -> s.im().directory().sessions("bob").length == 0);
      // The session is gone, but the grace (15 s) has not passed: the call holds.
      time.advance(Duration.ofSeconds(14));
      assertThat(CallSignalingTest.signaling(s).calls()).isEqualTo(1);
      time.advance(Duration.ofSeconds(1));
      CallState ended = next(alice, Frame.BodyCase.CALL_STATE).getCallState();
      assertThat(ended.getStatus()).isEqualTo(CallStatus.CALL_STATUS_ENDED);
      assertThat(ended.getReason()).isEqualTo(CallEndReason.CALL_END_REASON_CONNECTION_LOST);
      await().atMost(WAIT).until(() -> records(alice).stream().anyMatch(event("call.completed")));
      // Logging in later finds no call to resume.
      ImTestClient back = s.login(Transport.TCP, "bob", "b1");
      assertThat(back.drainEvents()).noneMatch(Frame::hasCallState);
    }
  }

  @Test
  void malformedSignalingIsRefusedAndDisturbsNothing() {
    try (ImServer s = CallClients.server().set("rtc.signal.max-payload", "1KiB").start()) {
      ImTestClient alice = s.login(Transport.TCP, "alice", "a1");
      ImTestClient bob = s.login(Transport.WS_BINARY, "bob", "b1");
      ImTestClient eve = s.login(Transport.TCP, "eve", "e1");
      String id = invite(alice, "bob");
      next(bob, Frame.BodyCase.CALL_RING);
      expectError(alice.call(signal(id, SignalKind.SIGNAL_KIND_OFFER, "{}")), ErrorCode.ERROR_CODE_CALL_STATE);
      accept(bob, id);
      next(alice, Frame.BodyCase.CALL_STATE);

      expectError(alice.call(Frame.newBuilder().setSignal(Signal.newBuilder().setKind(SignalKind.SIGNAL_KIND_OFFER))),
          ErrorCode.ERROR_CODE_BAD_REQUEST);
      expectError(alice.call(Frame.newBuilder().setSignal(Signal.newBuilder().setCallId(id).setRoom("r")
          .setKind(SignalKind.SIGNAL_KIND_OFFER))), ErrorCode.ERROR_CODE_BAD_REQUEST);
      expectError(alice.call(signal(id, SignalKind.SIGNAL_KIND_UNSPECIFIED, "{}")), ErrorCode.ERROR_CODE_BAD_REQUEST);
      expectError(alice.call(signal(id, SignalKind.SIGNAL_KIND_OFFER, "x".repeat(1025))),
          ErrorCode.ERROR_CODE_MESSAGE_TOO_LARGE);
      expectError(alice.call(signal("no-such-call", SignalKind.SIGNAL_KIND_OFFER, "{}")),
          ErrorCode.ERROR_CODE_CALL_NOT_FOUND);
      expectError(eve.call(signal(id, SignalKind.SIGNAL_KIND_OFFER, "{}")), ErrorCode.ERROR_CODE_CALL_NOT_FOUND);
      expectError(alice.call(Frame.newBuilder().setSignal(Signal.newBuilder().setCallId(id).setToSession("other")
          .setKind(SignalKind.SIGNAL_KIND_OFFER))), ErrorCode.ERROR_CODE_NOT_FOUND);
      expectError(alice.call(Frame.newBuilder().setCallRing(CallRing.newBuilder().setCallId(id))),
          ErrorCode.ERROR_CODE_BAD_REQUEST);
      expectError(eve.call(Frame.newBuilder().setCallInvite(dev.parley.protocol.im.CallInvite.getDefaultInstance())),
          ErrorCode.ERROR_CODE_BAD_REQUEST);
      expectError(eve.call(Frame.newBuilder().setCallInvite(dev.parley.protocol.im.CallInvite.newBuilder()
          .setToUser("eve"))), ErrorCode.ERROR_CODE_NOT_FOUND);
      expectError(eve.call(Frame.newBuilder().setCallInvite(dev.parley.protocol.im.CallInvite.newBuilder()
          .setToUser("bob").setData("y".repeat(2000)))), ErrorCode.ERROR_CODE_MESSAGE_TOO_LARGE);

      // Nothing reached bob, the connections stay open, and the call still works.
      assertThat(bob.drainEvents()).isEmpty();
      assertThat(alice.isClosed() || bob.isClosed() || eve.isClosed()).isFalse();
      alice.send(signal(id, SignalKind.SIGNAL_KIND_OFFER, "{\"ok\":1}").build());
      assertThat(next(bob, Frame.BodyCase.SIGNAL).getSignal().getPayload()).isEqualTo("{\"ok\":1}");
      assertThat(CallSignalingTest.signaling(s).calls()).isEqualTo(1);
    }
  }
}
