package dev.parley.im;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.core.testing.ManualTime;
import dev.parley.im.testing.ImServer;
import dev.parley.im.testing.ImTestClient;
import dev.parley.im.testing.ImTestClient.Transport;
import dev.parley.protocol.Ids;
import dev.parley.protocol.im.ErrorCode;
import dev.parley.protocol.im.Frame;
import dev.parley.protocol.im.History;
import dev.parley.protocol.im.Message;
import dev.parley.protocol.im.MessageKind;
import dev.parley.protocol.im.Recall;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Recall within the window, with a clock the test moves. */
class RecallTest {
  static final ManualTime clock = new ManualTime(Instant.parse("2026-06-01T12:00:00Z"));
  static ImServer server;

  @BeforeAll
  static void start() {
    server = ImServer.builder().time(clock).set("im.recall-window", "2m").start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static Frame recall(ImTestClient c, String clientId, String cid, long seq) {
    return c.call(Frame.newBuilder().setRecall(Recall.newBuilder().setClientId(clientId).setConversation(cid)
        .setSeq(seq)));
  }

  @Test
  void recallWithinTheWindowClearsTheMessageAndTellsEveryDevice() {
    ImTestClient a = server.login(Transport.TCP, "ra", "d");
    ImTestClient b = server.login(Transport.WS_JSON, "rb", "d");
    String cid = Ids.direct("ra", "rb");
    long seq = a.sendText("rb", "oops").getSendAck().getSeq();
    // b acknowledges the push before the clock moves past the ack timeout, or the server would
    // rightly push it again; a request after the ack proves the server has taken it.
    await().atMost(Duration.ofSeconds(5)).until(() -> b.pushed().size() == 1);
    b.ack(cid, seq);
    b.call(Frame.newBuilder().setHistory(History.newBuilder().setConversation(cid)));
    clock.advance(Duration.ofSeconds(90));
    Frame ack = recall(a, "recall-1", cid, seq);
    assertThat(ack.getSendAck().getSeq()).isEqualTo(seq + 1);
    await().atMost(Duration.ofSeconds(5)).until(() -> b.pushed().size() == 2);
    assertThat(b.pushed().get(0).getSeq()).isEqualTo(seq);
    Message notice = b.pushed().get(1);
    assertThat(notice.getKind()).isEqualTo(MessageKind.MESSAGE_KIND_RECALL);
    assertThat(notice.getRecalledSeq()).isEqualTo(seq);
    Message stored = a.call(Frame.newBuilder().setHistory(History.newBuilder().setConversation(cid)))
        .getHistoryResult().getMessages(0);
    assertThat(stored.getRecalled()).isTrue();
    assertThat(stored.getText()).isEmpty();
    // Resending the recall is idempotent.
    assertThat(recall(a, "recall-1", cid, seq).getSendAck().getDuplicate()).isTrue();
  }

  @Test
  void recallAfterTheWindowOrOfAnotherUsersMessageIsRefused() {
    ImTestClient a = server.login(Transport.TCP, "rc", "d");
    ImTestClient b = server.login(Transport.TCP, "rd", "d");
    String cid = Ids.direct("rc", "rd");
    long seq = a.sendText("rd", "permanent").getSendAck().getSeq();
    assertThat(recall(b, "x1", cid, seq).getError().getCode()).isEqualTo(ErrorCode.ERROR_CODE_RECALL_NOT_ALLOWED);
    clock.advance(Duration.ofMinutes(3));
    Frame late = recall(a, "x2", cid, seq);
    assertThat(late.getError().getCode()).isEqualTo(ErrorCode.ERROR_CODE_RECALL_NOT_ALLOWED);
    assertThat(late.getError().getMessage()).contains("window");
    assertThat(recall(a, "x3", cid, 999).getError().getCode()).isEqualTo(ErrorCode.ERROR_CODE_NOT_FOUND);
  }
}
