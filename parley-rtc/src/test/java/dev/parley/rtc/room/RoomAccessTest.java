package dev.parley.rtc.room;

import static dev.parley.rtc.testing.CallClients.expectError;
import static dev.parley.rtc.testing.CallClients.next;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.core.testing.HttpTestClient;
import dev.parley.core.testing.ManualTime;
import dev.parley.im.testing.ImServer;
import dev.parley.im.testing.ImTestClient;
import dev.parley.im.testing.ImTestClient.Transport;
import dev.parley.protocol.im.ErrorCode;
import dev.parley.protocol.im.Frame;
import dev.parley.protocol.im.RoomJoin;
import dev.parley.protocol.im.RoomJoined;
import dev.parley.protocol.im.Signal;
import dev.parley.protocol.im.SignalKind;
import dev.parley.rtc.testing.CallClients;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Who may join a room: its owner, its members, join-token holders, everyone if open; the admin API mints tokens. */
class RoomAccessTest {
  static Frame join(ImTestClient c, RoomJoin.Builder join) {
    return c.call(Frame.newBuilder().setRoomJoin(join));
  }

  static RoomJoin.Builder room(String name) {
    return RoomJoin.newBuilder().setRoom(name);
  }

  static HttpTestClient.Response mint(ImServer s, String room, String body) {
    return new HttpTestClient(s.kernel().httpBase()).admin("POST", "/api/v1/rtc/rooms/" + room + "/tokens", body);
  }

  static String token(ImServer s, String room, String user) {
    HttpTestClient.Response r = mint(s, room, "{\"user\":\"" + user + "\"}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json().get("token").asText();
  }

  @Test
  void aRoomCreatedWithoutRulesIsPrivateToItsOwner() {
    try (ImServer s = CallClients.server().start()) {
      ImTestClient alice = s.login(Transport.TCP, "alice", "a1");
      ImTestClient alice2 = s.login(Transport.WS_JSON, "alice", "a2");
      ImTestClient bob = s.login(Transport.TCP, "bob", "b1");
      RoomJoined created = join(alice, room("secret")).getRoomJoined();
      assertThat(created.getOwner()).isEqualTo("alice");
      assertThat(created.getOpen()).isFalse();

      Frame refused = join(bob, room("secret").setOpen(true).setCapacity(16));
      expectError(refused, ErrorCode.ERROR_CODE_FORBIDDEN);
      assertThat(refused.getError().getMessage()).contains("private").contains("bob");
      // Not in the room: bob can neither signal into it nor hear of it.
      expectError(bob.call(Frame.newBuilder().setSignal(Signal.newBuilder().setRoom("secret")
          .setToSession(created.getSessionId()).setKind(SignalKind.SIGNAL_KIND_OFFER))), ErrorCode.ERROR_CODE_NOT_FOUND);
      // The owner's other device may join; it is the first newcomer alice hears of.
      assertThat(join(alice2, room("secret")).getRoomJoined().getParticipantsCount()).isEqualTo(2);
      assertThat(next(alice, Frame.BodyCase.ROOM_EVENT).getRoomEvent().getParticipant().getDeviceId()).isEqualTo("a2");
      assertThat(bob.drainEvents()).isEmpty();
    }
  }

  @Test
  void aMembersListAdmitsExactlyThoseUsers() {
    try (ImServer s = CallClients.server().start()) {
      ImTestClient alice = s.login(Transport.TCP, "alice", "a1");
      ImTestClient bob = s.login(Transport.TCP, "bob", "b1");
      ImTestClient carol = s.login(Transport.TCP, "carol", "c1");
      expectError(join(alice, room("team").addMembers("not a user!")), ErrorCode.ERROR_CODE_BAD_REQUEST);
      expectError(join(alice, room("team").addAllMembers(java.util.Collections.nCopies(17, "bob"))),
          ErrorCode.ERROR_CODE_BAD_REQUEST);
      join(alice, room("team").addMembers("bob"));
      assertThat(join(bob, room("team")).getRoomJoined().getParticipantsCount()).isEqualTo(2);
      expectError(join(carol, room("team")), ErrorCode.ERROR_CODE_FORBIDDEN);
      // Members and open flags are the creator's: a joiner's own list changes nothing.
      expectError(join(carol, room("team").addMembers("carol").setOpen(true)), ErrorCode.ERROR_CODE_FORBIDDEN);
    }
  }

  @Test
  void anOpenRoomAdmitsEveryone_andTheServerCanMakeThatTheDefault() {
    try (ImServer s = CallClients.server().start()) {
      ImTestClient alice = s.login(Transport.TCP, "alice", "a1");
      ImTestClient bob = s.login(Transport.TCP, "bob", "b1");
      assertThat(join(alice, room("lobby").setOpen(true)).getRoomJoined().getOpen()).isTrue();
      assertThat(join(bob, room("lobby")).getRoomJoined().getOwner()).isEqualTo("alice");
    }
    try (ImServer s = CallClients.server().set("rtc.room.default-access", "open").start()) {
      ImTestClient alice = s.login(Transport.TCP, "alice", "a1");
      ImTestClient bob = s.login(Transport.TCP, "bob", "b1");
      ImTestClient carol = s.login(Transport.TCP, "carol", "c1");
      assertThat(join(alice, room("lobby")).getRoomJoined().getOpen()).isTrue();
      assertThat(join(bob, room("lobby")).hasRoomJoined()).isTrue();
      // A members list still makes a room private.
      join(alice, room("team").addMembers("bob"));
      expectError(join(carol, room("team")), ErrorCode.ERROR_CODE_FORBIDDEN);
    }
  }

  @Test
  void aJoinTokenFromTheAdminApiAdmitsItsUserToItsRoomUntilItExpires() {
    ManualTime time = new ManualTime();
    // Connections stay open while the test moves time past the token's expiry.
    try (ImServer s = CallClients.server(time).set("im.heartbeat.max-interval", "1h").start()) {
      ImTestClient alice = s.login(Transport.TCP, "alice", "a1");
      ImTestClient carol = s.login(Transport.TCP, "carol", "c1");
      ImTestClient dave = s.login(Transport.TCP, "dave", "d1");
      join(alice, room("secret"));

      HttpTestClient.Response r = mint(s, "secret", "{\"user\":\"carol\",\"ttl\":\"15m\"}");
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.json().get("expiresAt").asText()).isEqualTo(time.now().plus(Duration.ofMinutes(15)).toString());
      String forCarol = r.json().get("token").asText();

      Frame stolen = join(dave, room("secret").setToken(forCarol));
      expectError(stolen, ErrorCode.ERROR_CODE_FORBIDDEN);
      assertThat(stolen.getError().getMessage()).contains("another user");
      Frame elsewhere = join(carol, room("other").setToken(forCarol));
      expectError(elsewhere, ErrorCode.ERROR_CODE_FORBIDDEN);
      assertThat(elsewhere.getError().getMessage()).contains("not for room other");
      expectError(join(carol, room("secret").setToken("not-a-token")), ErrorCode.ERROR_CODE_FORBIDDEN);
      expectError(join(carol, room("secret").setToken(s.token("carol"))), ErrorCode.ERROR_CODE_FORBIDDEN);

      time.advance(Duration.ofMinutes(14));
      assertThat(join(carol, room("secret").setToken(forCarol)).hasRoomJoined()).isTrue();
      String late = token(s, "secret", "dave");
      time.advance(Duration.ofMinutes(11));
      Frame expired = join(dave, room("secret").setToken(late));
      expectError(expired, ErrorCode.ERROR_CODE_FORBIDDEN);
      assertThat(expired.getError().getMessage()).contains("expired");
    }
  }

  @Test
  void theAdminApiRefusesWhatItCannotMint() {
    try (ImServer s = CallClients.server().start()) {
      HttpTestClient http = new HttpTestClient(s.kernel().httpBase());
      assertThat(http.post("/api/v1/rtc/rooms/secret/tokens", s.token("alice"), "{\"user\":\"alice\"}").status())
          .as("a user token is no admin secret").isEqualTo(401);
      assertThat(mint(s, "secret", "{\"user\":\"no such user!\"}").status()).isEqualTo(400);
      assertThat(mint(s, "secret", "{\"user\":\"bob\",\"ttl\":\"banana\"}").status()).isEqualTo(400);
      assertThat(mint(s, "secret", "{\"user\":\"bob\",\"ttl\":\"25h\"}").status()).isEqualTo(400);
      assertThat(mint(s, "secret", "{\"user\":\"bob\",\"ttl\":0}").status()).isEqualTo(400);
      HttpTestClient.Response spaced = mint(s, "daily%20standup", "{\"user\":\"bob\",\"ttl\":60}");
      assertThat(spaced.json().get("room").asText()).isEqualTo("daily standup");
    }
  }

  @Test
  void withRequireTokenEveryJoinNeedsOne_soNobodyCanTakeARoomNameFirst() {
    try (ImServer s = CallClients.server().set("rtc.room.require-token", true).start()) {
      ImTestClient mallory = s.login(Transport.TCP, "mallory", "m1");
      ImTestClient alice = s.login(Transport.TCP, "alice", "a1");
      ImTestClient bob = s.login(Transport.TCP, "bob", "b1");
      Frame squat = join(mallory, room("standup").setOpen(true));
      expectError(squat, ErrorCode.ERROR_CODE_FORBIDDEN);
      assertThat(squat.getError().getMessage()).contains("join token");
      RoomJoined created = join(alice, room("standup").setToken(token(s, "standup", "alice"))).getRoomJoined();
      assertThat(created.getOwner()).isEqualTo("alice");
      assertThat(join(bob, room("standup").setToken(token(s, "standup", "bob"))).getRoomJoined()
          .getParticipantsList()).extracting(p -> p.getUser()).containsExactlyElementsOf(List.of("alice", "bob"));
      expectError(join(mallory, room("standup")), ErrorCode.ERROR_CODE_FORBIDDEN);
    }
  }
}
