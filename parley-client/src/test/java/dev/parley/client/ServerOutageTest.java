package dev.parley.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.client.Clients.Pair;
import dev.parley.client.testing.FaultProxy;
import dev.parley.im.testing.ImServer;
import dev.parley.protocol.Ids;
import dev.parley.protocol.im.Message;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The server goes away and comes back (on another port, behind a proxy on a fixed one). */
class ServerOutageTest {
  private final Clients clients = new Clients();

  @AfterEach
  void close() {
    clients.close();
  }

  private static int portOf(ImServer server) {
    try {
      return server.tcpPort();
    } catch (RuntimeException e) {
      return 1;
    }
  }

  private static UnaryOperator<ClientConfig.Builder> quick() {
    return b -> b.backoff(Backoff.exponential(Duration.ofMillis(100), Duration.ofMillis(800)));
  }

  @Test
  void messagesSentWhileTheServerIsDownArriveOnceAfterItReturns() {
    try (ImServer server = ImServer.builder().set("im.shutdown.reconnect-after", "100ms").start();
        FaultProxy proxy = FaultProxy.start(() -> portOf(server))) {
      Pair alice = clients.tcp(server, proxy.port(), "alice", quick());
      Pair bob = clients.tcp(server, proxy.port(), "bob", quick());
      await().until(() -> alice.rec().state() == ConnectionState.ONLINE && bob.rec().state() == ConnectionState.ONLINE);
      alice.client().sendText("bob", "before").result().join();

      server.kernel().stop();
      await().until(() -> alice.rec().state() != ConnectionState.ONLINE);
      List<PendingSend> sends = IntStream.range(0, 20).mapToObj(i -> alice.client().sendText("bob", "down-" + i)).toList();
      // Nobody is there to take them; they wait, and the clients keep trying.
      await().until(() -> alice.rec().events.stream().filter(e -> e.state() == ConnectionState.WAITING).count() >= 3);
      assertThat(sends).noneMatch(s -> s.result().isDone());

      server.kernel().startAgain();
      await().atMost(Duration.ofSeconds(15)).until(() -> sends.stream().allMatch(s -> s.result().isDone()));
      String conv = Ids.direct("alice", "bob");
      await().until(() -> bob.rec().messages.size() == 21);
      assertThat(bob.rec().texts(conv)).containsExactlyElementsOf(
          IntStream.range(-1, 20).mapToObj(i -> i < 0 ? "before" : "down-" + i).toList());
      assertThat(bob.rec().messages).extracting(Message::getSeq).doesNotHaveDuplicates().isSorted();
      assertThat(alice.rec().sent).hasSize(21);
      assertThat(alice.rec().failed).isEmpty();
      assertThat(server.storedMessages(conv)).isEqualTo(21);
      // Nothing more trickles in later: a marker sent now arrives after anything still on its way.
      alice.client().sendText("bob", "marker").result().join();
      await().until(() -> bob.rec().texts(conv).contains("marker"));
      assertThat(bob.rec().messages).hasSize(22);
    }
  }

  @Test
  void offlineReceiverCatchesUpThroughSyncOnLogin() {
    try (ImServer server = ImServer.start()) {
      Pair alice = clients.tcp(server, "alice");
      Pair bob = clients.tcp(server, "bob");
      String conv = Ids.direct("alice", "bob");
      await().until(() -> bob.rec().state() == ConnectionState.ONLINE);
      alice.client().sendText("bob", "one").result().join();
      await().until(() -> bob.rec().messages.size() == 1);
      bob.client().disconnect();
      await().until(() -> bob.rec().state() == ConnectionState.OFFLINE);
      for (int i = 0; i < 450; i++) {
        alice.client().sendText("bob", "offline-" + i);
      }
      await().atMost(Duration.ofSeconds(20)).until(() -> alice.rec().sent.size() == 451);
      // 450 missed messages take more than one sync page (200 per conversation).
      bob.client().connect();
      await().atMost(Duration.ofSeconds(20)).until(() -> bob.rec().messages.size() == 451);
      assertThat(bob.rec().messages).extracting(Message::getSeq).isSorted().doesNotHaveDuplicates();
      assertThat(bob.client().cursors()).containsEntry(conv, 451L);
    }
  }
}
