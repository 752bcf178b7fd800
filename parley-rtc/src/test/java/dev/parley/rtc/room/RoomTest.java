package dev.parley.rtc.room;

import static dev.parley.rtc.testing.CallClients.WAIT;
import static dev.parley.rtc.testing.CallClients.expectError;
import static dev.parley.rtc.testing.CallClients.next;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.core.testing.ManualTime;
import dev.parley.im.testing.ImServer;
import dev.parley.im.testing.ImTestClient;
import dev.parley.im.testing.ImTestClient.Transport;
import dev.parley.protocol.im.ErrorCode;
import dev.parley.protocol.im.Frame;
import dev.parley.protocol.im.RoomEvent;
import dev.parley.protocol.im.RoomEventKind;
import dev.parley.protocol.im.RoomJoin;
import dev.parley.protocol.im.RoomJoined;
import dev.parley.protocol.im.RoomLeave;
import dev.parley.protocol.im.RoomParticipant;
import dev.parley.protocol.im.Signal;
import dev.parley.protocol.im.SignalKind;
import dev.parley.rtc.Signaling;
import dev.parley.rtc.testing.CallClients;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Rooms over real sockets: capacity, participant lists, join and leave events, leave on disconnect, expiry. */
class RoomTest {

  static Frame join(ImTestClient c, String room, int capacity) {
    return c.call(Frame.newBuilder().setRoomJoin(RoomJoin.newBuilder().setRoom(room).setCapacity(capacity)));
  }

  /** Joins {@code room}, creating it open to every user if it does not exist. */
  static Frame joinOpen(ImTestClient c, String room, int capacity) {
    return c.call(Frame.newBuilder().setRoomJoin(RoomJoin.newBuilder().setRoom(room).setCapacity(capacity).setOpen(true)));
  }

  static Signaling signaling(ImServer s) {
    return s.kernel().kernel().context().services().first(Signaling.class).orElseThrow();
  }

  @Test
  void fullRoomRefuses_participantsSeeJoinsAndLeaves_disconnectLeaves() {
    try (ImServer s = CallClients.server().start()) {
      ImTestClient a = s.login(Transport.TCP, "alice", "a1");
      ImTestClient b = s.login(Transport.WS_JSON, "bob", "b1");
      ImTestClient c = s.login(Transport.WS_BINARY, "carol", "c1");
      ImTestClient d = s.login(Transport.TCP, "dave", "d1");

      RoomJoined first = joinOpen(a, "standup", 3).getRoomJoined();
      assertThat(first.getCapacity()).isEqualTo(3);
      assertThat(first.getParticipantsList()).extracting(RoomParticipant::getUser).containsExactly("alice");
      RoomJoined second = join(b, "standup", 0).getRoomJoined();
      assertThat(second.getCapacity()).as("the first joiner set it").isEqualTo(3);
      assertThat(second.getParticipantsList()).extracting(RoomParticipant::getUser).containsExactly("alice", "bob");
      RoomEvent joined = next(a, Frame.BodyCase.ROOM_EVENT).getRoomEvent();
      assertThat(joined.getKind()).isEqualTo(RoomEventKind.ROOM_EVENT_KIND_JOINED);
      assertThat(joined.getParticipant().getSessionId()).isEqualTo(second.getSessionId());
      join(c, "standup", 0);
      next(a, Frame.BodyCase.ROOM_EVENT);
      next(b, Frame.BodyCase.ROOM_EVENT);

      Frame full = join(d, "standup", 0);
      expectError(full, ErrorCode.ERROR_CODE_ROOM_FULL);
      assertThat(full.getError().getMessage()).contains("standup").contains("3");

      // Mesh signaling: bob to carol only.
      b.send(Frame.newBuilder().setSignal(Signal.newBuilder().setRoom("standup").setToSession(joinedSession(c))
          .setKind(SignalKind.SIGNAL_KIND_OFFER).setPayload("{\"o\":1}")).build());
      Frame offer = next(c, Frame.BodyCase.SIGNAL);
      assertThat(offer.getSignal().getFromUser()).isEqualTo("bob");
      assertThat(offer.getSignal().getFromSession()).isEqualTo(second.getSessionId());
      expectError(d.call(Frame.newBuilder().setSignal(Signal.newBuilder().setRoom("standup")
          .setToSession(second.getSessionId()).setKind(SignalKind.SIGNAL_KIND_OFFER))), ErrorCode.ERROR_CODE_NOT_FOUND);
      expectError(b.call(Frame.newBuilder().setSignal(Signal.newBuilder().setRoom("standup")
          .setToSession("nobody").setKind(SignalKind.SIGNAL_KIND_OFFER))), ErrorCode.ERROR_CODE_NOT_FOUND);

      // Leaving and disconnecting both tell the others.
      assertThat(b.call(Frame.newBuilder().setRoomLeave(RoomLeave.newBuilder().setRoom("standup"))).hasOk()).isTrue();
      for (ImTestClient x : new ImTestClient[] {a, c}) {
        RoomEvent left = next(x, Frame.BodyCase.ROOM_EVENT).getRoomEvent();
        assertThat(left.getKind()).isEqualTo(RoomEventKind.ROOM_EVENT_KIND_LEFT);
        assertThat(left.getParticipant().getUser()).isEqualTo("bob");
      }
      assertThat(join(d, "standup", 0).hasRoomJoined()).as("a place is free again").isTrue();
      next(a, Frame.BodyCase.ROOM_EVENT);
      next(c, Frame.BodyCase.ROOM_EVENT);
      c.cut();
      for (ImTestClient x : new ImTestClient[] {a, d}) {
        RoomEvent left = next(x, Frame.BodyCase.ROOM_EVENT).getRoomEvent();
        assertThat(left.getKind()).isEqualTo(RoomEventKind.ROOM_EVENT_KIND_LEFT);
        assertThat(left.getParticipant().getUser()).isEqualTo("carol");
      }
      assertThat(b.drainEvents()).as("bob left: he hears nothing more").isEmpty();
    }
  }

  private static String joinedSession(ImTestClient c) {
    return join(c, "standup", 0).getRoomJoined().getSessionId();
  }

  @Test
  void emptyRoomExpires_andLimitsHold() {
    ManualTime time = new ManualTime();
    try (ImServer s = CallClients.server(time).set("rtc.room.max-per-session", 2)
        .set("rtc.room.max-capacity", 4).start()) {
      ImTestClient a = s.login(Transport.TCP, "alice", "a1");
      assertThat(join(a, "r1", 100).getRoomJoined().getCapacity()).as("capped at max-capacity").isEqualTo(4);
      join(a, "r2", 0);
      expectError(join(a, "r3", 0), ErrorCode.ERROR_CODE_LIMIT_EXCEEDED);
      expectError(join(a, "", 0), ErrorCode.ERROR_CODE_BAD_REQUEST);
      expectError(join(a, "x".repeat(129), 0), ErrorCode.ERROR_CODE_BAD_REQUEST);
      assertThat(join(a, "r1", 0).getRoomJoined().getParticipantsCount()).as("joining again is harmless").isEqualTo(1);
      assertThat(signaling(s).rooms()).isEqualTo(2);
      a.call(Frame.newBuilder().setRoomLeave(RoomLeave.newBuilder().setRoom("r1")));
      a.cut();
      await().atMost(WAIT).until(() -> s.im().directory().sessions("alice").length == 0);
      // Both rooms are empty now; they are kept empty-ttl (30 s) for someone to come back.
      time.advance(Duration.ofSeconds(29));
      assertThat(signaling(s).rooms()).isEqualTo(2);
      ImTestClient back = s.login(Transport.TCP, "alice", "a2");
      assertThat(join(back, "r1", 0).getRoomJoined().getCapacity()).as("kept with its capacity").isEqualTo(4);
      time.advance(Duration.ofSeconds(1));
      assertThat(signaling(s).rooms()).as("r2 expired, r1 is in use").isEqualTo(1);
      back.call(Frame.newBuilder().setRoomLeave(RoomLeave.newBuilder().setRoom("r1")));
      time.advance(Duration.ofSeconds(30));
      assertThat(signaling(s).rooms()).isZero();
    }
  }
}
