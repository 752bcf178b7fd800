package dev.parley.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.parley.client.testing.Recorder;
import dev.parley.im.testing.ImServerExtension;
import dev.parley.protocol.im.CallEndReason;
import dev.parley.protocol.im.CallMedia;
import dev.parley.protocol.im.CallState;
import dev.parley.protocol.im.CallStatus;
import dev.parley.protocol.im.RoomEventKind;
import dev.parley.protocol.im.RoomJoin;
import dev.parley.protocol.im.RoomJoined;
import dev.parley.protocol.im.Signal;
import dev.parley.protocol.im.SignalKind;
import dev.parley.rtc.RtcModule;
import java.util.concurrent.CompletionException;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The SDK's call and room API against a real server with call signaling. */
class CallSignalingTest {
  @RegisterExtension
  static final ImServerExtension SERVER = new ImServerExtension(b -> b.with(RtcModule::new)
      .set("rtc.turn.secret", "call-test-secret-call-test-secret").set("rtc.room.default-capacity", 2));

  private final Clients clients = new Clients();

  @AfterEach
  void close() {
    clients.close();
  }

  private Recorder online(Clients.Pair p) {
    await().until(() -> p.rec().state() == ConnectionState.ONLINE);
    return p.rec();
  }

  @Test
  void bothDevicesRingTheFirstAcceptWinsSignalsKeepOrderAndHangupEndsTheCall() {
    Clients.Pair a = clients.tcp(SERVER.server(), "alice");
    Clients.Pair bt = clients.tcp(SERVER.server(), "bob");
    Clients.Pair bw = clients.ws(SERVER.server(), "bob");
    Recorder aliceHeard = online(a);
    Recorder bobTcpHeard = online(bt);
    Recorder bobWsHeard = online(bw);
    ParleyClient alice = a.client();
    ParleyClient bobTcp = bt.client();
    ParleyClient bobWs = bw.client();
    assertThat(alice.iceServers()).isNotEmpty();
    assertThat(alice.iceServers().get(alice.iceServers().size() - 1).getUsername()).endsWith(":alice");

    CallState ringing = alice.invite("bob", CallMedia.CALL_MEDIA_VIDEO, "").join();
    assertThat(ringing.getStatus()).isEqualTo(CallStatus.CALL_STATUS_RINGING);
    String callId = ringing.getCallId();
    await().until(() -> bobTcpHeard.rings.size() == 1 && bobWsHeard.rings.size() == 1);
    assertThat(bobWsHeard.rings.get(0).getCaller()).isEqualTo("alice");
    assertThat(bobWsHeard.rings.get(0).getCallId()).isEqualTo(callId);

    CallState answered = bobWs.accept(callId).join();
    assertThat(answered.getStatus()).isEqualTo(CallStatus.CALL_STATUS_ACTIVE);
    await().until(() -> bobTcpHeard.stops.size() == 1);
    assertThat(bobTcpHeard.stops.get(0).getReason()).isEqualTo(CallEndReason.CALL_END_REASON_ANSWERED_ELSEWHERE);
    assertThatThrownBy(() -> bobTcp.accept(callId).join()).isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(ParleyException.class);
    await().until(() -> aliceHeard.callStates.stream().anyMatch(s -> s.getStatus() == CallStatus.CALL_STATUS_ACTIVE));

    // Signals reach the answering device only, in the order sent.
    IntStream.range(0, 300).forEach(i -> alice.signal(Signal.newBuilder().setCallId(callId)
        .setKind(i == 0 ? SignalKind.SIGNAL_KIND_OFFER : SignalKind.SIGNAL_KIND_CANDIDATE).setPayload("c" + i).build()));
    await().until(() -> bobWsHeard.signals.size() == 300);
    assertThat(bobWsHeard.signals).extracting(Signal::getPayload)
        .containsExactlyElementsOf(IntStream.range(0, 300).mapToObj(i -> "c" + i).toList());
    assertThat(bobWsHeard.signals.get(0).getFromUser()).isEqualTo("alice");
    assertThat(bobTcpHeard.signals).isEmpty();
    bobWs.signal(Signal.newBuilder().setCallId(callId).setKind(SignalKind.SIGNAL_KIND_ANSWER).setPayload("sdp").build())
        .join();
    await().until(() -> aliceHeard.signals.size() == 1);
    assertThat(aliceHeard.signals.get(0).getKind()).isEqualTo(SignalKind.SIGNAL_KIND_ANSWER);

    bobWs.hangup(callId).join();
    await().until(() -> aliceHeard.callStates.stream().anyMatch(s -> s.getStatus() == CallStatus.CALL_STATUS_ENDED));
    CallState ended = aliceHeard.callStates.get(aliceHeard.callStates.size() - 1);
    assertThat(ended.getReason()).isEqualTo(CallEndReason.CALL_END_REASON_HANGUP);
    assertThat(ended.getEndedBy()).isEqualTo("bob");
  }

  @Test
  void rejectAndCancelEndTheCallWithTheirReasons() {
    Clients.Pair c = clients.tcp(SERVER.server(), "carol");
    Clients.Pair d = clients.tcp(SERVER.server(), "dave");
    Recorder carolHeard = online(c);
    Recorder daveHeard = online(d);
    ParleyClient carol = c.client();
    ParleyClient dave = d.client();

    String first = carol.invite("dave", CallMedia.CALL_MEDIA_AUDIO, "").join().getCallId();
    await().until(() -> daveHeard.rings.size() == 1);
    dave.reject(first, false).join();
    await().until(() -> carolHeard.callStates.stream().anyMatch(s -> s.getCallId().equals(first)
        && s.getReason() == CallEndReason.CALL_END_REASON_DECLINED));

    String second = carol.invite("dave", CallMedia.CALL_MEDIA_AUDIO, "").join().getCallId();
    await().until(() -> daveHeard.rings.size() == 2);
    carol.cancel(second).join();
    await().until(() -> daveHeard.stops.stream().anyMatch(s -> s.getCallId().equals(second)
        && s.getReason() == CallEndReason.CALL_END_REASON_CANCELLED));
  }

  @Test
  void roomsTellJoinsAndLeavesAndRefuseWhenFull() {
    Clients.Pair e = clients.tcp(SERVER.server(), "erin");
    Clients.Pair f = clients.ws(SERVER.server(), "frank");
    Clients.Pair g = clients.tcp(SERVER.server(), "grace");
    Recorder erinHeard = online(e);
    online(f);
    online(g);
    ParleyClient erin = e.client();
    ParleyClient frank = f.client();
    ParleyClient grace = g.client();

    // A room erin creates with only a name is hers alone; invited, frank gets in.
    erin.joinRoom("private", 0).join();
    assertThatThrownBy(() -> frank.joinRoom("private", 0).join()).hasCauseInstanceOf(ParleyException.class)
        .hasMessageContaining("private");
    RoomJoined erinIn = erin.joinRoom(RoomJoin.newBuilder().setRoom("standup").addMembers("frank")
        .addMembers("grace").build()).join();
    assertThat(erinIn.getParticipantsList()).hasSize(1);
    assertThat(erinIn.getOwner()).isEqualTo("erin");
    RoomJoined frankIn = frank.joinRoom("standup", 0).join();
    assertThat(frankIn.getParticipantsList()).extracting(p -> p.getUser()).containsExactlyInAnyOrder("erin", "frank");
    await().until(() -> erinHeard.roomEvents.size() == 1);
    assertThat(erinHeard.roomEvents.get(0).getKind()).isEqualTo(RoomEventKind.ROOM_EVENT_KIND_JOINED);

    assertThatThrownBy(() -> grace.joinRoom("standup", 0).join()).hasCauseInstanceOf(ParleyException.class)
        .hasMessageContaining("full");

    frank.leaveRoom("standup").join();
    await().until(() -> erinHeard.roomEvents.size() == 2);
    assertThat(erinHeard.roomEvents.get(1).getKind()).isEqualTo(RoomEventKind.ROOM_EVENT_KIND_LEFT);
  }
}
