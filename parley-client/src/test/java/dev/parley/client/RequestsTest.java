package dev.parley.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.parley.client.Clients.Pair;
import dev.parley.im.testing.ImServerExtension;
import dev.parley.protocol.Ids;
import dev.parley.protocol.im.Conversation;
import dev.parley.protocol.im.ErrorCode;
import dev.parley.protocol.im.GroupInfo;
import dev.parley.protocol.im.HistoryResult;
import dev.parley.protocol.im.Message;
import dev.parley.protocol.im.MessageKind;
import dev.parley.protocol.im.ReceiptType;
import dev.parley.protocol.im.Role;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The request API against a real server: receipts, history, conversations, recall, groups, presence, typing. */
class RequestsTest {
  @RegisterExtension
  static final ImServerExtension SERVER = new ImServerExtension();
  private final Clients clients = new Clients();

  @AfterEach
  void close() {
    clients.close();
  }

  private Pair online(String user) {
    Pair p = clients.tcp(SERVER.server(), user);
    await().until(() -> p.rec().state() == ConnectionState.ONLINE);
    return p;
  }

  @Test
  void deliveredAndReadReceiptsReachTheSender() {
    Pair alice = online("r-alice");
    Pair bob = online("r-bob");
    Message m = alice.client().sendText("r-bob", "read me").result().join();
    await().until(() -> alice.rec().receipts.stream().anyMatch(r -> r.getType() == ReceiptType.RECEIPT_TYPE_DELIVERED
        && r.getSeq() == m.getSeq() && r.getUser().equals("r-bob")));
    bob.client().markRead(m.getConversation(), m.getSeq()).join();
    await().until(() -> alice.rec().receipts.stream().anyMatch(r -> r.getType() == ReceiptType.RECEIPT_TYPE_READ
        && r.getSeq() == m.getSeq()));
  }

  @Test
  void historyPagesBackAndConversationsCountUnread() {
    Pair alice = online("h-alice");
    Pair bob = online("h-bob");
    for (int i = 0; i < 12; i++) {
      alice.client().sendText("h-bob", "h" + i);
    }
    await().until(() -> alice.rec().sent.size() == 12);
    String conv = Ids.direct("h-alice", "h-bob");
    HistoryResult page = bob.client().history(conv, 0, 5).join();
    assertThat(page.getMessagesList()).extracting(Message::getText).containsExactly("h7", "h8", "h9", "h10", "h11");
    assertThat(page.getMore()).isTrue();
    HistoryResult older = bob.client().history(conv, page.getMessages(0).getSeq(), 5).join();
    assertThat(older.getMessagesList()).extracting(Message::getText).containsExactly("h2", "h3", "h4", "h5", "h6");

    List<Conversation> list = bob.client().conversations().join();
    assertThat(list).hasSize(1);
    assertThat(list.get(0).getConversation()).isEqualTo(conv);
    assertThat(list.get(0).getUnread()).isEqualTo(12);
    bob.client().markRead(conv, 10).join();
    assertThat(bob.client().conversations().join().get(0).getUnread()).isEqualTo(2);
  }

  @Test
  void recallReachesTheOtherSide() {
    Pair alice = online("rc-alice");
    Pair bob = online("rc-bob");
    Message m = alice.client().sendText("rc-bob", "oops").result().join();
    Message recall = alice.client().recall(m.getConversation(), m.getSeq()).result().join();
    assertThat(recall.getKind()).isEqualTo(MessageKind.MESSAGE_KIND_RECALL);
    assertThat(recall.getRecalledSeq()).isEqualTo(m.getSeq());
    await().until(() -> bob.rec().messages.size() == 2);
    assertThat(bob.rec().messages.get(1).getKind()).isEqualTo(MessageKind.MESSAGE_KIND_RECALL);
    assertThat(bob.rec().messages.get(1).getRecalledSeq()).isEqualTo(m.getSeq());
    assertThat(bob.client().history(m.getConversation(), 0, 10).join().getMessages(0).getRecalled()).isTrue();
  }

  @Test
  void groupsAndGroupMessages() {
    Pair owner = online("g-owner");
    Pair member = online("g-member");
    Pair late = online("g-late");
    GroupInfo g = owner.client().createGroup("crew", List.of("g-member")).join();
    assertThat(g.getMembersList()).hasSize(2);
    owner.client().send(Outgoing.text("welcome").toConversation(g.getConversation())).result().join();
    await().until(() -> member.rec().texts(g.getConversation()).contains("welcome"));

    owner.client().renameGroup(g.getGroupId(), "crew 2").join();
    owner.client().addMembers(g.getGroupId(), List.of("g-late")).join();
    owner.client().setRole(g.getGroupId(), "g-member", Role.ROLE_ADMIN).join();
    assertThat(late.client().group(g.getGroupId()).join().getName()).isEqualTo("crew 2");
    assertThat(late.client().groups().join()).extracting(GroupInfo::getGroupId).containsExactly(g.getGroupId());
    member.client().send(Outgoing.text("hi all").toConversation(g.getConversation())).result().join();
    await().until(() -> late.rec().texts(g.getConversation()).contains("hi all"));
    // The late member sees the group from the message that added them on, not "welcome".
    assertThat(late.rec().texts(g.getConversation())).doesNotContain("welcome");
    // Members' devices learn of changes through system messages in the conversation.
    await().until(() -> member.rec().messages.stream().anyMatch(m -> m.getEvent().equals("group.renamed")));

    late.client().leaveGroup(g.getGroupId()).join();
    PendingSend refused = late.client().send(Outgoing.text("still here?").toConversation(g.getConversation()));
    assertThatThrownBy(() -> refused.result().join()).isInstanceOf(CompletionException.class)
        .cause().isInstanceOfSatisfying(ParleyException.class, e -> assertThat(e.code())
            .isEqualTo(ErrorCode.ERROR_CODE_NOT_MEMBER));
    assertThat(late.rec().failed).containsKey(refused.clientId());
  }

  @Test
  void presenceIsFollowedAcrossReconnectsAndTypingIsRelayed() {
    Pair watcher = online("p-watcher");
    assertThat(watcher.client().subscribePresence(List.of("p-friend"), List.of()).join())
        .singleElement().satisfies(p -> assertThat(p.getOnline()).isFalse());
    Pair friend = online("p-friend");
    await().until(() -> watcher.rec().presence.stream().anyMatch(p -> p.getUser().equals("p-friend") && p.getOnline()));

    // The watcher's own connection drops: it follows again after logging back in, and is told
    // the state as it is now.
    int seen = watcher.rec().presence.size();
    watcher.client().networkChanged("elsewhere");
    await().until(() -> watcher.rec().logins() == 2);
    await().until(() -> watcher.rec().presence.size() > seen);
    assertThat(watcher.rec().presence.get(seen).getOnline()).isTrue();
    friend.client().disconnect();
    await().until(() -> watcher.rec().presence.stream().skip(seen)
        .anyMatch(p -> p.getUser().equals("p-friend") && !p.getOnline()));

    friend.client().connect();
    await().until(() -> friend.rec().logins() == 2);
    String conv = Ids.direct("p-friend", "p-watcher");
    friend.client().typing(conv, true);
    await().until(() -> watcher.rec().typing.stream().anyMatch(t -> t.getUser().equals("p-friend") && t.getTyping()));
  }

  @Test
  void tooLargeMessageFailsAtOnce() {
    Pair alice = online("big-alice");
    PendingSend s = alice.client().sendText("big-bob", "x".repeat(70_000));
    assertThatThrownBy(() -> s.result().join()).cause().isInstanceOfSatisfying(ParleyException.class,
        e -> assertThat(e.code()).isEqualTo(ErrorCode.ERROR_CODE_MESSAGE_TOO_LARGE));
  }
}
