package dev.parley.rtc.room;

import static dev.parley.rtc.room.RoomTest.join;
import static dev.parley.rtc.room.RoomTest.joinOpen;
import static dev.parley.rtc.room.RoomTest.signaling;
import static dev.parley.rtc.testing.CallClients.WAIT;
import static dev.parley.rtc.testing.CallClients.expectError;
import static dev.parley.rtc.testing.CallClients.next;
import static dev.parley.rtc.testing.SignalCluster.awaitSessions;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.core.cluster.NodeBus;
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
import dev.parley.rtc.testing.SignalCluster;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Rooms on two nodes in one JVM, joined by an in-memory bus: a room is held by the node its
 * first join reached, sessions on the other node join, signal, leave and drop out of it there,
 * two first joins on two nodes at once end in one room, an expired room is let go, and a room
 * whose node died is made again by the next join.
 */
class ClusterRoomTest {
  private static final String HELD = "rtc.room:";

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

  private static Frame.Builder offer(String room, String to, String payload) {
    return Frame.newBuilder().setSignal(Signal.newBuilder().setRoom(room).setToSession(to)
        .setKind(SignalKind.SIGNAL_KIND_CANDIDATE).setPayload(payload));
  }

  private static Frame leave(ImTestClient c, String room) {
    return c.call(Frame.newBuilder().setRoomLeave(RoomLeave.newBuilder().setRoom(room)));
  }

  @Test
  void aRoomHeldByOneNodeTakesParticipantsOfBoth_signalsRelayInOrder_leavesAndDropsAreSeen() {
    ImTestClient alice = a.login(Transport.TCP, "alice", "a1");
    ImTestClient bob = b.login(Transport.WS_BINARY, "bob", "b1");
    ImTestClient carol = b.login(Transport.TCP, "carol", "c1");
    ImTestClient dave = b.login(Transport.TCP, "dave", "d1");
    for (String u : List.of("bob", "carol", "dave")) {
      awaitSessions(a, u, 1);
    }

    RoomJoined first = joinOpen(alice, "standup", 3).getRoomJoined();
    assertThat(cluster.bus().held(HELD + "standup")).extracting(NodeBus.Held::node).containsExactly("a");
    RoomJoined second = join(bob, "standup", 0).getRoomJoined();
    assertThat(second.getCapacity()).as("the room of node a, with the first joiner's capacity").isEqualTo(3);
    assertThat(second.getOwner()).isEqualTo("alice");
    assertThat(second.getParticipantsList()).extracting(RoomParticipant::getUser).containsExactly("alice", "bob");
    RoomEvent joined = next(alice, Frame.BodyCase.ROOM_EVENT).getRoomEvent();
    assertThat(joined.getKind()).isEqualTo(RoomEventKind.ROOM_EVENT_KIND_JOINED);
    assertThat(joined.getParticipant().getSessionId()).isEqualTo(second.getSessionId());
    RoomJoined third = join(carol, "standup", 0).getRoomJoined();
    next(alice, Frame.BodyCase.ROOM_EVENT);
    assertThat(next(bob, Frame.BodyCase.ROOM_EVENT).getRoomEvent().getParticipant().getUser()).isEqualTo("carol");
    assertThat(signaling(a).rooms()).isEqualTo(1);
    assertThat(signaling(b).rooms()).as("one room, on node a").isZero();
    Frame full = join(dave, "standup", 0);
    expectError(full, ErrorCode.ERROR_CODE_ROOM_FULL);

    // Between the nodes both ways, and between two sessions of node b through node a, in order.
    for (int i = 0; i < 20; i++) {
      bob.send(offer("standup", first.getSessionId(), "b" + i).build());
      alice.send(offer("standup", third.getSessionId(), "a" + i).build());
      carol.send(offer("standup", second.getSessionId(), "c" + i).build());
    }
    for (int i = 0; i < 20; i++) {
      Signal atAlice = next(alice, Frame.BodyCase.SIGNAL).getSignal();
      assertThat(atAlice.getPayload()).isEqualTo("b" + i);
      assertThat(atAlice.getFromSession()).isEqualTo(second.getSessionId());
      assertThat(next(carol, Frame.BodyCase.SIGNAL).getSignal().getPayload()).isEqualTo("a" + i);
      assertThat(next(bob, Frame.BodyCase.SIGNAL).getSignal().getPayload()).isEqualTo("c" + i);
    }
    expectError(dave.call(offer("standup", first.getSessionId(), "x")), ErrorCode.ERROR_CODE_NOT_FOUND);

    assertThat(leave(bob, "standup").hasOk()).isTrue();
    for (ImTestClient x : List.of(alice, carol)) {
      RoomEvent left = next(x, Frame.BodyCase.ROOM_EVENT).getRoomEvent();
      assertThat(left.getKind()).isEqualTo(RoomEventKind.ROOM_EVENT_KIND_LEFT);
      assertThat(left.getParticipant().getUser()).isEqualTo("bob");
    }
    expectError(bob.call(offer("standup", first.getSessionId(), "after")), ErrorCode.ERROR_CODE_NOT_FOUND);
    assertThat(join(dave, "standup", 0).getRoomJoined().getParticipantsCount()).as("a place is free").isEqualTo(3);
    next(alice, Frame.BodyCase.ROOM_EVENT);
    next(carol, Frame.BodyCase.ROOM_EVENT);

    carol.cut();
    for (ImTestClient x : List.of(alice, dave)) {
      RoomEvent left = next(x, Frame.BodyCase.ROOM_EVENT).getRoomEvent();
      assertThat(left.getKind()).isEqualTo(RoomEventKind.ROOM_EVENT_KIND_LEFT);
      assertThat(left.getParticipant().getUser()).isEqualTo("carol");
    }
    assertThat(bob.drainEvents()).as("bob left: he hears nothing more").noneMatch(Frame::hasRoomEvent);
  }

  @Test
  void twoFirstJoinsOnTwoNodesAtOnceEndInOneRoom() {
    ImTestClient erin = a.login(Transport.TCP, "erin", "e1");
    ImTestClient frank = b.login(Transport.TCP, "frank", "f1");
    awaitSessions(a, "frank", 1);
    awaitSessions(b, "erin", 1);
    // Node a claims first but hears its answer only after node b's claim and b's forwarded join.
    cluster.bus().pause("a");
    CompletableFuture<Frame> erinJoins = CompletableFuture.supplyAsync(() -> joinOpen(erin, "race", 4));
    await().atMost(WAIT).until(() -> !cluster.bus().held(HELD + "race").isEmpty());
    CompletableFuture<Frame> frankJoins = CompletableFuture.supplyAsync(() -> joinOpen(frank, "race", 4));
    cluster.bus().resume("a");
    RoomJoined e = erinJoins.join().getRoomJoined();
    RoomJoined f = frankJoins.join().getRoomJoined();
    assertThat(cluster.bus().held(HELD + "race")).extracting(NodeBus.Held::node).containsExactly("a");
    assertThat(signaling(a).rooms() + signaling(b).rooms()).isEqualTo(1);
    assertThat(signaling(a).rooms()).isEqualTo(1);
    assertThat(List.of(e.getParticipantsCount(), f.getParticipantsCount())).containsExactlyInAnyOrder(1, 2);
    // The earlier joiner hears of the later one.
    boolean erinFirst = e.getParticipantsCount() == 1;
    RoomEvent announced = next(erinFirst ? erin : frank, Frame.BodyCase.ROOM_EVENT).getRoomEvent();
    assertThat(announced.getParticipant().getUser()).isEqualTo(erinFirst ? "frank" : "erin");
  }

  @Test
  void aRoomThatExpiresIsLetGo_andTheNextJoinElsewhereHoldsItThere() {
    ImTestClient gina = a.login(Transport.TCP, "gina", "g1");
    ImTestClient hank = b.login(Transport.TCP, "hank", "h1");
    joinOpen(gina, "weekly", 4);
    assertThat(leave(gina, "weekly").hasOk()).isTrue();
    time.advance(Duration.ofSeconds(29));
    assertThat(cluster.bus().held(HELD + "weekly")).as("kept empty for 30 s").hasSize(1);
    time.advance(Duration.ofSeconds(1));
    await().atMost(WAIT).until(() -> signaling(a).rooms() == 0);
    assertThat(cluster.bus().held(HELD + "weekly")).isEmpty();

    RoomJoined there = joinOpen(hank, "weekly", 4).getRoomJoined();
    assertThat(there.getParticipantsList()).extracting(RoomParticipant::getUser).containsExactly("hank");
    assertThat(cluster.bus().held(HELD + "weekly")).extracting(NodeBus.Held::node).containsExactly("b");
    assertThat(signaling(b).rooms()).isEqualTo(1);
    // A join refused before the room exists leaves no claim behind.
    expectError(join(gina, "x".repeat(129), 0), ErrorCode.ERROR_CODE_BAD_REQUEST);
    assertThat(cluster.bus().held(HELD + "x".repeat(129))).isEmpty();
    expectError(gina.call(Frame.newBuilder().setRoomJoin(RoomJoin.newBuilder().setRoom("invited").addMembers("not a user!"))),
        ErrorCode.ERROR_CODE_BAD_REQUEST);
    // Let go right after the refusal is sent.
    await().atMost(WAIT).until(() -> cluster.bus().held(HELD + "invited").isEmpty());
  }

  @Test
  void whenTheNodeHoldingARoomDiesTheOthersAreToldItClosed_andTheNextJoinMakesItAgain() {
    ImTestClient ivy = a.login(Transport.TCP, "ivy", "i1");
    ImTestClient jack = b.login(Transport.TCP, "jack", "j1");
    awaitSessions(a, "jack", 1);
    RoomJoined first = joinOpen(ivy, "retro", 4).getRoomJoined();
    join(jack, "retro", 0);
    joinOpen(ivy, "other", 4);
    join(jack, "other", 0);
    leave(jack, "other");
    next(ivy, Frame.BodyCase.ROOM_EVENT);

    cluster.die("a");
    time.advance(Duration.ofSeconds(5));
    RoomEvent closed = next(jack, Frame.BodyCase.ROOM_EVENT).getRoomEvent();
    assertThat(closed.getRoom()).isEqualTo("retro");
    assertThat(closed.getKind()).isEqualTo(RoomEventKind.ROOM_EVENT_KIND_CLOSED);
    assertThat(closed.hasParticipant()).isFalse();
    // Told once, for the room it was still in: anything more would have come before this answer.
    time.advance(Duration.ofSeconds(5));
    assertThat(leave(jack, "other").hasOk()).isTrue();
    assertThat(jack.drainEvents()).noneMatch(Frame::hasRoomEvent);
    expectError(jack.call(offer("retro", first.getSessionId(), "lost")), ErrorCode.ERROR_CODE_NOT_FOUND);
    RoomJoined again = joinOpen(jack, "retro", 4).getRoomJoined();
    assertThat(again.getParticipantsList()).extracting(RoomParticipant::getUser).containsExactly("jack");
    assertThat(signaling(b).rooms()).isEqualTo(1);
    assertThat(cluster.bus().held(HELD + "retro")).extracting(NodeBus.Held::node).containsExactly("b");
  }

  @Test
  void theRoomsPerConnectionLimitCountsTheRoomsOfEveryNode_aJoinRefusedElsewhereCountsNothing() {
    ImTestClient ivy = a.login(Transport.TCP, "ivy", "i1");
    ImTestClient jack = b.login(Transport.TCP, "jack", "j1");
    awaitSessions(a, "jack", 1);
    for (String room : List.of("on-a-1", "on-a-2", "on-a-3")) {
      joinOpen(ivy, room, 4);
    }
    join(ivy, "invite-only", 4);
    assertThat(join(jack, "on-a-1", 0).hasRoomJoined()).isTrue();
    expectError(join(jack, "invite-only", 0), ErrorCode.ERROR_CODE_FORBIDDEN);
    assertThat(join(jack, "on-a-2", 0).hasRoomJoined()).isTrue();
    assertThat(joinOpen(jack, "on-b-1", 4).hasRoomJoined()).isTrue();
    assertThat(joinOpen(jack, "on-b-2", 4).hasRoomJoined()).isTrue();
    assertThat(join(jack, "on-a-1", 0).hasRoomJoined()).as("a room it is in answers again").isTrue();

    // Four rooms on two nodes: a fifth is refused wherever it is, though a holds only two of them.
    Frame refused = join(jack, "on-a-3", 0);
    expectError(refused, ErrorCode.ERROR_CODE_LIMIT_EXCEEDED);
    assertThat(refused.getError().getMessage()).contains("4 rooms per connection");
    expectError(joinOpen(jack, "on-b-3", 4), ErrorCode.ERROR_CODE_LIMIT_EXCEEDED);
    assertThat(leave(jack, "on-a-1").hasOk()).isTrue();
    assertThat(join(jack, "on-a-3", 0).hasRoomJoined()).isTrue();
  }

  @Test
  void whileTheSharedStateCannotBeReachedANewRoomIsRefusedWithARetry_aRoomHeldHereStillTakesJoins() {
    ImTestClient kim = a.login(Transport.TCP, "kim", "k1");
    ImTestClient lee = a.login(Transport.TCP, "lee", "l1");
    joinOpen(kim, "here", 4);
    cluster.bus().cut();
    Frame refused = joinOpen(lee, "new-room", 4);
    expectError(refused, ErrorCode.ERROR_CODE_INTERNAL);
    assertThat(refused.getError().getMessage()).contains("new-room").contains("join again");
    assertThat(joinOpen(lee, "here", 4).getRoomJoined().getParticipantsCount()).isEqualTo(2);
    cluster.bus().heal();
    assertThat(joinOpen(lee, "new-room", 4).hasRoomJoined()).isTrue();
  }
}
