package dev.parley.im;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.im.testing.ImServer;
import dev.parley.im.testing.ImServerExtension;
import dev.parley.im.testing.ImTestClient;
import dev.parley.im.testing.ImTestClient.Transport;
import dev.parley.protocol.im.ErrorCode;
import dev.parley.protocol.im.Frame;
import dev.parley.protocol.im.GroupAddMembers;
import dev.parley.protocol.im.GroupCreate;
import dev.parley.protocol.im.GroupGet;
import dev.parley.protocol.im.GroupInfo;
import dev.parley.protocol.im.GroupLeave;
import dev.parley.protocol.im.GroupList;
import dev.parley.protocol.im.GroupRemoveMembers;
import dev.parley.protocol.im.GroupRename;
import dev.parley.protocol.im.GroupSetRole;
import dev.parley.protocol.im.History;
import dev.parley.protocol.im.ListConversations;
import dev.parley.protocol.im.Member;
import dev.parley.protocol.im.Message;
import dev.parley.protocol.im.MessageKind;
import dev.parley.protocol.im.Role;
import dev.parley.protocol.im.Sync;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Groups: membership, roles, delivery to every member's devices, one stored row per message. */
class GroupTest {
  @RegisterExtension
  static final ImServerExtension SERVER = new ImServerExtension();

  static ImServer server() {
    return SERVER.server();
  }

  static int n;

  static String user(String base) {
    return base + "-g" + (++n);
  }

  static GroupInfo create(ImTestClient owner, String name, String... members) {
    Frame f = owner.call(Frame.newBuilder().setGroupCreate(GroupCreate.newBuilder().setName(name)
        .addAllMembers(List.of(members))));
    assertThat(f.hasGroupInfo()).as("create answered %s", f).isTrue();
    return f.getGroupInfo();
  }

  @Test
  void groupMessageReachesEveryMembersDevicesAndIsStoredOnce() {
    String owner = user("owner");
    String m1 = user("m");
    String m2 = user("m");
    ImTestClient o = server().login(Transport.TCP, owner, "d").autoAck(true);
    ImTestClient a1 = server().login(Transport.TCP, m1, "phone").autoAck(true);
    ImTestClient a2 = server().login(Transport.WS_JSON, m1, "web").autoAck(true);
    ImTestClient b = server().login(Transport.WS_BINARY, m2, "d").autoAck(true);
    GroupInfo g = create(o, "team", m1, m2);
    assertThat(g.getMembersList()).extracting(Member::getUser).containsExactly(owner, m1, m2);
    assertThat(g.getOwner()).isEqualTo(owner);

    Frame ack = b.sendToConversation(g.getConversation(), "c1", "hi team");
    assertThat(ack.getSendAck().getSeq()).isEqualTo(2);
    for (ImTestClient c : List.of(o, a1, a2)) {
      await().atMost(Duration.ofSeconds(5)).until(() -> c.pushedTexts(g.getConversation()).contains("hi team"));
    }
    // The creation event came first, to everyone (the sender too).
    assertThat(b.pushed().get(0).getEvent()).isEqualTo("group.created");
    assertThat(b.pushedTexts(g.getConversation())).doesNotContain("hi team");
    assertThat(server().storedMessages(g.getConversation())).isEqualTo(2);
  }

  @Test
  void theCreatorsOwnCreationEventIsNotUnreadForThemButIsForTheMembers() {
    String owner = user("owner");
    String m = user("m");
    ImTestClient o = server().login(Transport.TCP, owner, "d");
    GroupInfo g = create(o, "unread", m);
    ImTestClient member = server().login(Transport.TCP, m, "d");
    for (ImTestClient c : List.of(o, member)) {
      assertThat(unread(c, g)).as("unread for %s", c == o ? "the creator" : "the member")
          .isEqualTo(c == o ? 0 : 1);
    }
  }

  @Test
  void everyGroupEventIsNotUnreadForItsActorOnAnyDeviceButIsForTheOthers() {
    String owner = user("owner");
    String admin = user("admin");
    String member = user("member");
    String guest = user("guest");
    ImTestClient phone = server().login(Transport.TCP, owner, "phone");
    ImTestClient web = server().login(Transport.WS_JSON, owner, "web");
    ImTestClient a = server().login(Transport.TCP, admin, "d");
    ImTestClient m = server().login(Transport.TCP, member, "d");
    GroupInfo g = create(phone, "acts", admin, member);
    String gid = g.getGroupId();
    m.sendToConversation(g.getConversation(), "c1", "hello");
    assertThat(phone.call(Frame.newBuilder().setGroupRename(GroupRename.newBuilder().setGroupId(gid).setName("acts2")))
        .hasOk()).isTrue();
    assertThat(phone.call(Frame.newBuilder().setGroupAddMembers(GroupAddMembers.newBuilder().setGroupId(gid)
        .addUsers(guest))).hasOk()).isTrue();
    assertThat(web.call(Frame.newBuilder().setGroupSetRole(GroupSetRole.newBuilder().setGroupId(gid).setUser(admin)
        .setRole(Role.ROLE_ADMIN))).hasOk()).isTrue();
    assertThat(a.call(Frame.newBuilder().setGroupRemoveMembers(GroupRemoveMembers.newBuilder().setGroupId(gid)
        .addUsers(guest))).hasOk()).isTrue();
    assertThat(m.call(Frame.newBuilder().setGroupLeave(GroupLeave.newBuilder().setGroupId(gid))).hasOk()).isTrue();

    // The owner's own events are not unread on either device; the member's message, the admin's
    // removal and the member's leaving are. Acting after "hello" did not mark it read.
    assertThat(unread(phone, g)).isEqualTo(3);
    assertThat(unread(web, g)).isEqualTo(3);
    // The admin: everything but their own removal of the guest.
    assertThat(unread(a, g)).isEqualTo(6);
    // The member, up to their leaving: the owner's and the admin's events, not their own leaving.
    assertThat(unread(m, g)).isEqualTo(5);
  }

  private static int unread(ImTestClient c, GroupInfo g) {
    return c.call(Frame.newBuilder().setListConversations(ListConversations.getDefaultInstance()))
        .getConversationList().getConversationsList().stream()
        .filter(x -> x.getConversation().equals(g.getConversation())).findFirst().orElseThrow().getUnread();
  }

  @Test
  void onlyMembersSendAndRead() {
    String owner = user("owner");
    String outsider = user("out");
    ImTestClient o = server().login(Transport.TCP, owner, "d");
    GroupInfo g = create(o, "closed");
    ImTestClient x = server().login(Transport.TCP, outsider, "d");
    assertThat(x.sendToConversation(g.getConversation(), "c", "let me in").getError().getCode())
        .isEqualTo(ErrorCode.ERROR_CODE_NOT_MEMBER);
    assertThat(x.call(Frame.newBuilder().setGroupGet(GroupGet.newBuilder().setGroupId(g.getGroupId())))
        .getError().getCode()).isEqualTo(ErrorCode.ERROR_CODE_NOT_MEMBER);
    assertThat(x.call(Frame.newBuilder().setHistory(History.newBuilder().setConversation(g.getConversation())))
        .getError().getCode()).isEqualTo(ErrorCode.ERROR_CODE_NOT_MEMBER);
  }

  @Test
  void rolesGovernWhoChangesTheGroup() {
    String owner = user("owner");
    String admin = user("admin");
    String member = user("member");
    String other = user("other");
    ImTestClient o = server().login(Transport.TCP, owner, "d");
    ImTestClient a = server().login(Transport.TCP, admin, "d");
    ImTestClient m = server().login(Transport.TCP, member, "d");
    GroupInfo g = create(o, "roles", admin, member);
    String gid = g.getGroupId();
    assertThat(m.call(Frame.newBuilder().setGroupRename(GroupRename.newBuilder().setGroupId(gid).setName("mine")))
        .getError().getCode()).isEqualTo(ErrorCode.ERROR_CODE_FORBIDDEN);
    assertThat(a.call(Frame.newBuilder().setGroupSetRole(GroupSetRole.newBuilder().setGroupId(gid).setUser(member)
        .setRole(Role.ROLE_ADMIN))).getError().getCode()).isEqualTo(ErrorCode.ERROR_CODE_FORBIDDEN);
    assertThat(o.call(Frame.newBuilder().setGroupSetRole(GroupSetRole.newBuilder().setGroupId(gid).setUser(admin)
        .setRole(Role.ROLE_ADMIN))).hasOk()).isTrue();
    assertThat(a.call(Frame.newBuilder().setGroupRename(GroupRename.newBuilder().setGroupId(gid).setName("renamed")))
        .hasOk()).isTrue();
    assertThat(a.call(Frame.newBuilder().setGroupAddMembers(GroupAddMembers.newBuilder().setGroupId(gid)
        .addUsers(other))).hasOk()).isTrue();
    // An admin may remove ordinary members but not the owner.
    assertThat(a.call(Frame.newBuilder().setGroupRemoveMembers(GroupRemoveMembers.newBuilder().setGroupId(gid)
        .addUsers(owner))).getError().getCode()).isEqualTo(ErrorCode.ERROR_CODE_FORBIDDEN);
    assertThat(a.call(Frame.newBuilder().setGroupRemoveMembers(GroupRemoveMembers.newBuilder().setGroupId(gid)
        .addUsers(other))).hasOk()).isTrue();
    GroupInfo now = o.call(Frame.newBuilder().setGroupGet(GroupGet.newBuilder().setGroupId(gid))).getGroupInfo();
    assertThat(now.getName()).isEqualTo("renamed");
    assertThat(now.getMembersList()).extracting(Member::getUser).containsExactly(owner, admin, member);
    assertThat(now.getMembersList()).extracting(Member::getRole)
        .containsExactly(Role.ROLE_OWNER, Role.ROLE_ADMIN, Role.ROLE_MEMBER);
  }

  @Test
  void membersSeeTheConversationFromTheirJoinToTheirRemoval() {
    String owner = user("owner");
    String late = user("late");
    ImTestClient o = server().login(Transport.TCP, owner, "d");
    GroupInfo g = create(o, "window");
    o.sendToConversation(g.getConversation(), "c1", "before join");
    o.call(Frame.newBuilder().setGroupAddMembers(GroupAddMembers.newBuilder().setGroupId(g.getGroupId()).addUsers(late)));
    o.sendToConversation(g.getConversation(), "c2", "while member");
    o.call(Frame.newBuilder().setGroupRemoveMembers(GroupRemoveMembers.newBuilder().setGroupId(g.getGroupId())
        .addUsers(late)));
    o.sendToConversation(g.getConversation(), "c3", "after removal");

    ImTestClient l = server().login(Transport.TCP, late, "d");
    List<Message> seen = l.call(Frame.newBuilder().setSync(Sync.getDefaultInstance())).getSyncResult().getMessagesList();
    assertThat(seen).extracting(Message::getEvent).containsExactly("group.members_added", "", "group.members_removed");
    assertThat(seen.get(1).getText()).isEqualTo("while member");
    assertThat(l.sendToConversation(g.getConversation(), "c4", "still here?").getError().getCode())
        .isEqualTo(ErrorCode.ERROR_CODE_NOT_MEMBER);
  }

  @Test
  void ownerLeavingHandsTheGroupToTheAdmin() {
    String owner = user("owner");
    String admin = user("admin");
    String member = user("member");
    ImTestClient o = server().login(Transport.TCP, owner, "d");
    ImTestClient m = server().login(Transport.TCP, member, "d").autoAck(true);
    GroupInfo g = create(o, "handover", member, admin);
    o.call(Frame.newBuilder().setGroupSetRole(GroupSetRole.newBuilder().setGroupId(g.getGroupId()).setUser(admin)
        .setRole(Role.ROLE_ADMIN)));
    assertThat(o.call(Frame.newBuilder().setGroupLeave(GroupLeave.newBuilder().setGroupId(g.getGroupId()))).hasOk())
        .isTrue();
    await().atMost(Duration.ofSeconds(5)).until(() -> m.pushed().stream()
        .anyMatch(x -> x.getEvent().equals("group.member_left")));
    Message left = m.pushed().stream().filter(x -> x.getEvent().equals("group.member_left")).findFirst().orElseThrow();
    assertThat(left.getKind()).isEqualTo(MessageKind.MESSAGE_KIND_SYSTEM);
    assertThat(left.getAttributesMap()).containsEntry("owner", admin).containsEntry("user", owner);
    GroupInfo now = m.call(Frame.newBuilder().setGroupGet(GroupGet.newBuilder().setGroupId(g.getGroupId())))
        .getGroupInfo();
    assertThat(now.getOwner()).isEqualTo(admin);
  }

  @Test
  void groupListShowsTheCallersGroups() {
    String owner = user("owner");
    String member = user("member");
    ImTestClient o = server().login(Transport.TCP, owner, "d");
    create(o, "one", member);
    create(o, "two");
    ImTestClient m = server().login(Transport.TCP, member, "d");
    List<GroupInfo> mine = m.call(Frame.newBuilder().setGroupList(GroupList.getDefaultInstance()))
        .getGroupListResult().getGroupsList();
    assertThat(mine).extracting(GroupInfo::getName).containsExactly("one");
    assertThat(mine.get(0).getMemberCount()).isEqualTo(2);
  }

  @Test
  void groupSizeIsCapped() {
    try (ImServer s = ImServer.builder().set("im.group.max-members", "3").start()) {
      ImTestClient o = s.login(Transport.TCP, "boss", "d");
      Frame f = o.call(Frame.newBuilder().setGroupCreate(GroupCreate.newBuilder().setName("big")
          .addAllMembers(List.of("a", "b", "c"))));
      assertThat(f.getError().getCode()).isEqualTo(ErrorCode.ERROR_CODE_LIMIT_EXCEEDED);
    }
  }
}
