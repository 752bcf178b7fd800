package dev.parley.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.client.Clients.Pair;
import dev.parley.im.testing.ImServerExtension;
import dev.parley.protocol.Ids;
import dev.parley.protocol.im.Message;
import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class MessagingTest {
  @RegisterExtension
  static final ImServerExtension SERVER = new ImServerExtension();
  private final Clients clients = new Clients();

  @AfterEach
  void close() {
    clients.close();
  }

  @Test
  void twoClientsExchangeMessagesOverTcp() {
    Pair alice = clients.tcp(SERVER.server(), "alice");
    Pair bob = clients.tcp(SERVER.server(), "bob");
    await().until(() -> alice.rec().state() == ConnectionState.ONLINE && bob.rec().state() == ConnectionState.ONLINE);

    Message stored = alice.client().sendText("bob", "hi bob").result().join();
    assertThat(stored.getConversation()).isEqualTo(Ids.direct("alice", "bob"));
    assertThat(stored.getSeq()).isPositive();

    await().until(() -> bob.rec().messages.size() == 1);
    assertThat(bob.rec().messages.get(0).getText()).isEqualTo("hi bob");
    assertThat(bob.rec().messages.get(0).getSender()).isEqualTo("alice");
    assertThat(alice.rec().sent).extracting(Message::getClientId).containsExactly(stored.getClientId());
    // The sender's own message is reported as sent, not received.
    assertThat(alice.rec().messages).isEmpty();
  }

  @Test
  void manyMessagesArriveInOrderOverWebSocket() {
    Pair carol = clients.ws(SERVER.server(), "carol");
    Pair dave = clients.ws(SERVER.server(), "dave");
    await().until(() -> carol.rec().state() == ConnectionState.ONLINE && dave.rec().state() == ConnectionState.ONLINE);
    IntStream.range(0, 200).forEach(i -> carol.client().sendText("dave", "m" + i));
    await().atMost(Duration.ofSeconds(20)).until(() -> dave.rec().messages.size() >= 200);
    assertThat(dave.rec().texts(Ids.direct("carol", "dave")))
        .containsExactlyElementsOf(IntStream.range(0, 200).mapToObj(i -> "m" + i).toList());
    await().until(() -> carol.rec().sent.size() == 200);
  }
}
