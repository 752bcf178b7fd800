package dev.parley.im;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.im.testing.ImServer;
import dev.parley.im.testing.ImServerExtension;
import dev.parley.im.testing.ImTestClient;
import dev.parley.im.testing.ImTestClient.Transport;
import dev.parley.protocol.Ids;
import dev.parley.protocol.im.Ack;
import dev.parley.protocol.im.Conversation;
import dev.parley.protocol.im.Cursor;
import dev.parley.protocol.im.Custom;
import dev.parley.protocol.im.ErrorCode;
import dev.parley.protocol.im.Frame;
import dev.parley.protocol.im.History;
import dev.parley.protocol.im.ListConversations;
import dev.parley.protocol.im.MarkRead;
import dev.parley.protocol.im.Message;
import dev.parley.protocol.im.MessageKind;
import dev.parley.protocol.im.ReceiptType;
import dev.parley.protocol.im.Send;
import dev.parley.protocol.im.SendAck;
import dev.parley.protocol.im.Sync;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** One-to-one delivery under the delivery contract, over every transport. */
class MessagingTest {
  @RegisterExtension
  static final ImServerExtension SERVER = new ImServerExtension(b -> b.set("im.ack-timeout", "300ms"));

  static ImServer server() {
    return SERVER.server();
  }

  static int n;

  /** Fresh user names per test, so tests share one server without seeing each other's messages. */
  static String user(String base) {
    return base + "-" + (++n);
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void messageReachesEveryDeviceOfTheRecipientAndTheSendersOtherDevices(Transport t) {
    String alice = user("alice");
    String bob = user("bob");
    ImTestClient aPhone = server().login(t, alice, "phone").autoAck(true);
    ImTestClient aLaptop = server().login(Transport.TCP, alice, "laptop").autoAck(true);
    ImTestClient bPhone = server().login(Transport.WS_JSON, bob, "phone").autoAck(true);
    ImTestClient bWeb = server().login(Transport.WS_BINARY, bob, "web").autoAck(true);

    Frame ack = aPhone.sendText(bob, "hello");
    assertThat(ack.hasSendAck()).isTrue();
    String cid = Ids.direct(alice, bob);
    assertThat(ack.getSendAck().getConversation()).isEqualTo(cid);
    assertThat(ack.getSendAck().getSeq()).isEqualTo(1);

    for (ImTestClient c : List.of(aLaptop, bPhone, bWeb)) {
      await().atMost(Duration.ofSeconds(5)).until(() -> c.pushedTexts(cid).contains("hello"));
      Message m = c.pushed().get(0);
      assertThat(m.getSender()).isEqualTo(alice);
      assertThat(m.getSeq()).isEqualTo(1);
    }
    // The sending device has its SendAck; it is not pushed its own message.
    assertThat(aPhone.pushed()).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void resendingAClientIdStoresOnceAndAnswersTheFirstAck(Transport t) {
    String alice = user("alice");
    String bob = user("bob");
    ImTestClient a = server().login(t, alice, "d");
    ImTestClient b = server().login(Transport.TCP, bob, "d").autoAck(true);
    Frame.Builder send = Frame.newBuilder().setSend(Send.newBuilder().setClientId("c-42").setToUser(bob)
        .setKind(MessageKind.MESSAGE_KIND_TEXT).setText("once"));
    SendAck first = a.call(send.clone()).getSendAck();
    SendAck again = a.call(send.clone()).getSendAck();
    assertThat(again.getSeq()).isEqualTo(first.getSeq());
    assertThat(again.getTimestamp()).isEqualTo(first.getTimestamp());
    assertThat(again.getDuplicate()).isTrue();
    assertThat(first.getDuplicate()).isFalse();
    a.sendText(bob, "next");
    String cid = Ids.direct(alice, bob);
    await().atMost(Duration.ofSeconds(5)).until(() -> b.pushedTexts(cid).contains("next"));
    assertThat(b.pushedTexts(cid)).containsExactly("once", "next");
    assertThat(b.pushed().get(1).getSeq()).isEqualTo(2);
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void offlineRecipientGetsEverythingOnSyncInOrder(Transport t) {
    String alice = user("alice");
    String bob = user("bob");
    ImTestClient a = server().login(t, alice, "d");
    for (int i = 1; i <= 30; i++) {
      assertThat(a.sendText(bob, "m" + i).hasSendAck()).isTrue();
    }
    ImTestClient b = server().login(t, bob, "d");
    Frame sync = b.call(Frame.newBuilder().setSync(Sync.getDefaultInstance()));
    List<Message> got = sync.getSyncResult().getMessagesList();
    assertThat(got).extracting(Message::getText).containsExactlyElementsOf(
        java.util.stream.IntStream.rangeClosed(1, 30).mapToObj(i -> "m" + i).collect(Collectors.toList()));
    assertThat(got).extracting(Message::getSeq).isSorted();
    assertThat(sync.getSyncResult().getMore()).isFalse();
    assertThat(sync.getSyncResult().getHeads(0).getSeq()).isEqualTo(30);
  }

  @Test
  void syncFromACursorFillsTheGapAfterACutConnection() {
    String alice = user("alice");
    String bob = user("bob");
    String cid = Ids.direct(alice, bob);
    ImTestClient a = server().login(Transport.TCP, alice, "d");
    ImTestClient b = server().login(Transport.TCP, bob, "d").autoAck(true);
    a.sendText(bob, "before-1");
    a.sendText(bob, "before-2");
    await().atMost(Duration.ofSeconds(5)).until(() -> b.pushedTexts(cid).size() == 2);
    b.cut();
    await().atMost(Duration.ofSeconds(5)).until(() -> !server().im().directory().isOnline(bob));
    for (int i = 1; i <= 5; i++) {
      a.sendText(bob, "during-" + i);
    }
    ImTestClient b2 = server().login(Transport.TCP, bob, "d");
    Frame sync = b2.call(Frame.newBuilder().setSync(Sync.newBuilder()
        .addCursors(Cursor.newBuilder().setConversation(cid).setSeq(2))));
    assertThat(sync.getSyncResult().getMessagesList()).extracting(Message::getText)
        .containsExactly("during-1", "during-2", "during-3", "during-4", "during-5");
    assertThat(sync.getSyncResult().getMessagesList()).extracting(Message::getSeq).containsExactly(3L, 4L, 5L, 6L, 7L);
  }

  @Test
  void syncPagesWithMoreAndLimit() {
    String alice = user("alice");
    String bob = user("bob");
    String cid = Ids.direct(alice, bob);
    ImTestClient a = server().login(Transport.TCP, alice, "d");
    for (int i = 1; i <= 25; i++) {
      a.sendText(bob, "p" + i);
    }
    ImTestClient b = server().login(Transport.TCP, bob, "d");
    Frame first = b.call(Frame.newBuilder().setSync(Sync.newBuilder().setLimit(10)));
    assertThat(first.getSyncResult().getMessagesCount()).isEqualTo(10);
    assertThat(first.getSyncResult().getMore()).isTrue();
    Frame second = b.call(Frame.newBuilder().setSync(Sync.newBuilder().setLimit(10)
        .addCursors(Cursor.newBuilder().setConversation(cid).setSeq(10))));
    assertThat(second.getSyncResult().getMessages(0).getSeq()).isEqualTo(11);
    Frame recent = b.call(Frame.newBuilder().setSync(Sync.newBuilder().setRecent(3)));
    assertThat(recent.getSyncResult().getMessagesList()).extracting(Message::getText).containsExactly("p23", "p24", "p25");
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void historyPagesBackwards(Transport t) {
    String alice = user("alice");
    String bob = user("bob");
    String cid = Ids.direct(alice, bob);
    ImTestClient a = server().login(t, alice, "d");
    for (int i = 1; i <= 12; i++) {
      a.sendText(bob, "h" + i);
    }
    Frame page1 = a.call(Frame.newBuilder().setHistory(History.newBuilder().setConversation(cid).setLimit(5)));
    assertThat(page1.getHistoryResult().getMessagesList()).extracting(Message::getText)
        .containsExactly("h8", "h9", "h10", "h11", "h12");
    assertThat(page1.getHistoryResult().getMore()).isTrue();
    Frame page3 = a.call(Frame.newBuilder().setHistory(History.newBuilder().setConversation(cid).setBeforeSeq(3)
        .setLimit(5)));
    assertThat(page3.getHistoryResult().getMessagesList()).extracting(Message::getText).containsExactly("h1", "h2");
    assertThat(page3.getHistoryResult().getMore()).isFalse();
    Frame stranger = server().login(t, user("eve"), "d").call(Frame.newBuilder().setHistory(
        History.newBuilder().setConversation(cid)));
    assertThat(stranger.getError().getCode()).isEqualTo(ErrorCode.ERROR_CODE_NOT_MEMBER);
  }

  @Test
  void deliveredAndReadReceiptsReachTheSender() {
    String alice = user("alice");
    String bob = user("bob");
    String cid = Ids.direct(alice, bob);
    ImTestClient a = server().login(Transport.WS_JSON, alice, "d");
    ImTestClient b = server().login(Transport.TCP, bob, "d").autoAck(true);
    a.sendText(bob, "r1");
    a.sendText(bob, "r2");
    await().atMost(Duration.ofSeconds(5)).until(() -> a.drainEvents().stream().anyMatch(f -> f.hasReceipt()
        && f.getReceipt().getType() == ReceiptType.RECEIPT_TYPE_DELIVERED && f.getReceipt().getSeq() == 2
        && f.getReceipt().getUser().equals(bob)));
    assertThat(b.call(Frame.newBuilder().setMarkRead(MarkRead.newBuilder().setConversation(cid).setSeq(2))).hasOk())
        .isTrue();
    Frame read = a.nextEvent(Duration.ofSeconds(5));
    while (read.getReceipt().getType() != ReceiptType.RECEIPT_TYPE_READ) {
      read = a.nextEvent(Duration.ofSeconds(5));
    }
    assertThat(read.getReceipt().getSeq()).isEqualTo(2);
    assertThat(read.getReceipt().getUser()).isEqualTo(bob);
    // The read cursor never moves back.
    b.call(Frame.newBuilder().setMarkRead(MarkRead.newBuilder().setConversation(cid).setSeq(1)));
    Conversation conv = a.call(Frame.newBuilder().setListConversations(ListConversations.getDefaultInstance()))
        .getConversationList().getConversations(0);
    assertThat(conv.getPeerReadSeq()).isEqualTo(2);
  }

  @Test
  void anAckPastTheLastMessageCountsAsTheLastMessage() {
    String alice = user("alice");
    String bob = user("bob");
    String cid = Ids.direct(alice, bob);
    ImTestClient a = server().login(Transport.TCP, alice, "d");
    ImTestClient b = server().login(Transport.TCP, bob, "d");
    a.sendText(bob, "only one");
    await().atMost(Duration.ofSeconds(5)).until(() -> b.pushed().size() == 1);
    b.ack(cid, 99);
    Frame receipt = a.nextEvent(Duration.ofSeconds(5));
    assertThat(receipt.getReceipt().getType()).isEqualTo(ReceiptType.RECEIPT_TYPE_DELIVERED);
    assertThat(receipt.getReceipt().getSeq()).isEqualTo(1);
  }

  @Test
  void anAckInAConversationTheUserIsNotInIsRefused() {
    ImTestClient b = server().login(Transport.TCP, user("bob"), "d");
    for (String cid : List.of("u:x:y", "g:nosuchgroup", "s:someoneelse")) {
      Frame answer = b.call(Frame.newBuilder().setAck(Ack.newBuilder().addCursors(Cursor.newBuilder()
          .setConversation(cid).setSeq(1))));
      assertThat(answer.getError().getCode()).as(cid).isEqualTo(ErrorCode.ERROR_CODE_NOT_MEMBER);
      assertThat(answer.getError().getMessage()).contains(cid);
    }
    assertThat(b.isClosed()).isFalse();
  }

  @Test
  void theReadingDeviceGetsNoReceiptOfItsOwnReadButTheOthersDo() {
    String alice = user("alice");
    String bob = user("bob");
    String cid = Ids.direct(alice, bob);
    ImTestClient a = server().login(Transport.TCP, alice, "d");
    ImTestClient phone = server().login(Transport.TCP, bob, "phone").autoAck(true);
    ImTestClient laptop = server().login(Transport.WS_JSON, bob, "laptop").autoAck(true);
    a.sendText(bob, "read me");
    await().atMost(Duration.ofSeconds(5)).until(() -> !phone.pushed().isEmpty() && !laptop.pushed().isEmpty());
    phone.drainEvents();
    assertThat(phone.call(Frame.newBuilder().setMarkRead(MarkRead.newBuilder().setConversation(cid).setSeq(1)))
        .hasOk()).isTrue();
    for (ImTestClient told : List.of(laptop, a)) {
      await().atMost(Duration.ofSeconds(5)).until(() -> told.drainEvents().stream().anyMatch(f -> f.hasReceipt()
          && f.getReceipt().getType() == ReceiptType.RECEIPT_TYPE_READ && f.getReceipt().getSeq() == 1));
    }
    // An answer after the read: a receipt for the phone would have been written before it.
    phone.call(Frame.newBuilder().setListConversations(ListConversations.getDefaultInstance()));
    assertThat(phone.drainEvents()).noneMatch(f -> f.hasReceipt()
        && f.getReceipt().getType() == ReceiptType.RECEIPT_TYPE_READ);
  }

  @Test
  void conversationListShowsUnreadCountsAndLastMessage() {
    String alice = user("alice");
    String bob = user("bob");
    String carol = user("carol");
    ImTestClient a = server().login(Transport.TCP, alice, "d");
    ImTestClient c = server().login(Transport.TCP, carol, "d");
    a.sendText(bob, "x1");
    a.sendText(bob, "x2");
    c.sendText(bob, "y1");
    ImTestClient b = server().login(Transport.TCP, bob, "d");
    b.sendText(alice, "reply");
    List<Conversation> list = b.call(Frame.newBuilder().setListConversations(ListConversations.getDefaultInstance()))
        .getConversationList().getConversationsList();
    assertThat(list).extracting(Conversation::getConversation)
        .containsExactly(Ids.direct(alice, bob), Ids.direct(bob, carol));
    Conversation withAlice = list.get(0);
    assertThat(withAlice.getUnread()).isEqualTo(2);
    assertThat(withAlice.getTitle()).isEqualTo(alice);
    assertThat(withAlice.getLastMessage().getText()).isEqualTo("reply");
    assertThat(list.get(1).getUnread()).isEqualTo(1);
    b.call(Frame.newBuilder().setMarkRead(MarkRead.newBuilder().setConversation(Ids.direct(bob, carol)).setSeq(1)));
    Conversation after = b.call(Frame.newBuilder().setListConversations(ListConversations.getDefaultInstance()))
        .getConversationList().getConversations(1);
    assertThat(after.getUnread()).isZero();
  }

  @Test
  void customMessagesCarryTypeAndBytes() {
    String alice = user("alice");
    String bob = user("bob");
    ImTestClient a = server().login(Transport.TCP, alice, "d");
    ImTestClient b = server().login(Transport.WS_JSON, bob, "d").autoAck(true);
    Frame ack = a.call(Frame.newBuilder().setSend(Send.newBuilder().setClientId("c1").setToUser(bob)
        .setKind(MessageKind.MESSAGE_KIND_CUSTOM).setCustom(Custom.newBuilder().setType("location")
            .setData(com.google.protobuf.ByteString.copyFromUtf8("52.5,13.4")))));
    assertThat(ack.hasSendAck()).isTrue();
    await().atMost(Duration.ofSeconds(5)).until(() -> !b.pushed().isEmpty());
    Message m = b.pushed().get(0);
    assertThat(m.getKind()).isEqualTo(MessageKind.MESSAGE_KIND_CUSTOM);
    assertThat(m.getCustom().getType()).isEqualTo("location");
    assertThat(m.getCustom().getData().toStringUtf8()).isEqualTo("52.5,13.4");
  }

  @Test
  void invalidSendsAreRefusedWithTheirCode() {
    String alice = user("alice");
    ImTestClient a = server().login(Transport.TCP, alice, "d");
    assertThat(a.call(Frame.newBuilder().setSend(Send.newBuilder().setToUser("bob").setText("no id")
        .setKind(MessageKind.MESSAGE_KIND_TEXT))).getError().getCode()).isEqualTo(ErrorCode.ERROR_CODE_BAD_REQUEST);
    assertThat(a.call(Frame.newBuilder().setSend(Send.newBuilder().setClientId("x").setToUser(alice).setText("me")
        .setKind(MessageKind.MESSAGE_KIND_TEXT))).getError().getCode()).isEqualTo(ErrorCode.ERROR_CODE_BAD_REQUEST);
    assertThat(a.call(Frame.newBuilder().setSend(Send.newBuilder().setClientId("x").setToUser("bob").setText("s")
        .setKind(MessageKind.MESSAGE_KIND_SYSTEM))).getError().getCode()).isEqualTo(ErrorCode.ERROR_CODE_BAD_REQUEST);
    assertThat(a.call(Frame.newBuilder().setSend(Send.newBuilder().setClientId("x").setConversation("s:" + alice)
        .setText("s").setKind(MessageKind.MESSAGE_KIND_TEXT))).getError().getCode())
        .isEqualTo(ErrorCode.ERROR_CODE_FORBIDDEN);
    assertThat(a.call(Frame.newBuilder().setSend(Send.newBuilder().setClientId("x").setConversation("u:bob:carol")
        .setText("s").setKind(MessageKind.MESSAGE_KIND_TEXT))).getError().getCode())
        .isEqualTo(ErrorCode.ERROR_CODE_NOT_MEMBER);
    assertThat(a.call(Frame.newBuilder().setSend(Send.newBuilder().setClientId("x").setConversation("g:nosuchgroup")
        .setText("s").setKind(MessageKind.MESSAGE_KIND_TEXT))).getError().getCode())
        .isEqualTo(ErrorCode.ERROR_CODE_NOT_FOUND);
  }

  @Test
  void messageOverTheSizeLimitIsRefused() {
    ImTestClient a = server().login(Transport.TCP, user("alice"), "d");
    Frame f = a.call(Frame.newBuilder().setSend(Send.newBuilder().setClientId(UUID.randomUUID().toString())
        .setToUser("bob").setKind(MessageKind.MESSAGE_KIND_TEXT).setText("x".repeat(64 * 1024 + 1))));
    assertThat(f.getError().getCode()).isEqualTo(ErrorCode.ERROR_CODE_MESSAGE_TOO_LARGE);
    assertThat(a.sendText("bob", "still fine").hasSendAck()).isTrue();
  }
}
