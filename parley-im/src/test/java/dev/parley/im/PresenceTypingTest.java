package dev.parley.im;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.im.testing.ImServer;
import dev.parley.im.testing.ImServerExtension;
import dev.parley.im.testing.ImTestClient;
import dev.parley.im.testing.ImTestClient.Transport;
import dev.parley.protocol.Ids;
import dev.parley.protocol.im.ErrorCode;
import dev.parley.protocol.im.Frame;
import dev.parley.protocol.im.GroupCreate;
import dev.parley.protocol.im.Presence;
import dev.parley.protocol.im.PresenceSubscribe;
import dev.parley.protocol.im.Typing;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Presence pushed to followers, typing relayed and never stored. */
class PresenceTypingTest {
  @RegisterExtension
  static final ImServerExtension SERVER = new ImServerExtension();

  static ImServer server() {
    return SERVER.server();
  }


  static Frame nextPresence(ImTestClient c) {
    Frame f = c.nextEvent(Duration.ofSeconds(5));
    while (!f.hasPresence()) {
      f = c.nextEvent(Duration.ofSeconds(5));
    }
    return f;
  }

  @Test
  void followersSeeOnlineAndOfflineWithLastSeen() {
    ImTestClient watcher = server().login(Transport.WS_JSON, "pw", "d");
    Frame answer = watcher.call(Frame.newBuilder().setPresenceSubscribe(PresenceSubscribe.newBuilder().addUsers("pu")));
    assertThat(answer.getPresenceList().getPresences(0).getOnline()).isFalse();

    ImTestClient u1 = server().login(Transport.TCP, "pu", "phone");
    assertThat(nextPresence(watcher).getPresence().getOnline()).isTrue();
    ImTestClient u2 = server().login(Transport.TCP, "pu", "laptop");
    u1.cut();
    u2.cut();
    Presence off = nextPresence(watcher).getPresence();
    assertThat(off.getOnline()).isFalse();
    assertThat(off.getLastSeen()).isPositive();
    // A second device coming and going did not produce extra transitions.
    assertThat(watcher.drainEvents()).noneMatch(Frame::hasPresence);

    Frame again = watcher.call(Frame.newBuilder().setPresenceSubscribe(PresenceSubscribe.newBuilder().addUsers("pu")));
    assertThat(again.getPresenceList().getPresences(0).getLastSeen()).isEqualTo(off.getLastSeen());
  }

  @Test
  void groupPresenceIsForMembers() {
    ImTestClient owner = server().login(Transport.TCP, "gp-owner", "d");
    String gid = owner.call(Frame.newBuilder().setGroupCreate(GroupCreate.newBuilder().setName("p")
        .addMembers("gp-member"))).getGroupInfo().getGroupId();
    server().login(Transport.TCP, "gp-member", "d");
    Frame answer = owner.call(Frame.newBuilder().setPresenceSubscribe(PresenceSubscribe.newBuilder().addGroups(gid)));
    assertThat(answer.getPresenceList().getPresencesList()).extracting(Presence::getUser).containsExactly("gp-member");
    assertThat(answer.getPresenceList().getPresences(0).getOnline()).isTrue();
    ImTestClient outsider = server().login(Transport.TCP, "gp-out", "d");
    assertThat(outsider.call(Frame.newBuilder().setPresenceSubscribe(PresenceSubscribe.newBuilder().addGroups(gid)))
        .getError().getCode()).isEqualTo(ErrorCode.ERROR_CODE_NOT_MEMBER);
  }

  @Test
  void typingIsRelayedToThePeerAndNeverStored() {
    ImTestClient a = server().login(Transport.TCP, "ta", "d");
    ImTestClient b1 = server().login(Transport.WS_BINARY, "tb", "phone");
    ImTestClient b2 = server().login(Transport.TCP, "tb", "web");
    String cid = Ids.direct("ta", "tb");
    a.send(Frame.newBuilder().setTyping(Typing.newBuilder().setConversation(cid).setTyping(true)).build());
    for (ImTestClient b : new ImTestClient[] {b1, b2}) {
      Typing t = b.nextEvent(Duration.ofSeconds(5)).getTyping();
      assertThat(t.getUser()).isEqualTo("ta");
      assertThat(t.getTyping()).isTrue();
      assertThat(t.getConversation()).isEqualTo(cid);
    }
    assertThat(server().storedMessages(cid)).isZero();
    Frame refused = a.call(Frame.newBuilder().setTyping(Typing.newBuilder().setConversation("u:x:y").setTyping(true)));
    assertThat(refused.getError().getCode()).isEqualTo(ErrorCode.ERROR_CODE_NOT_MEMBER);
  }
}
