package dev.parley.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.client.Clients.Pair;
import dev.parley.client.heartbeat.HeartbeatPolicy;
import dev.parley.client.testing.FaultProxy;
import dev.parley.im.testing.ImServer;
import dev.parley.protocol.Ids;
import dev.parley.protocol.im.Message;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Clients talk through a proxy that drops, delays, half-opens and blackholes their connections
 * while they send: afterwards every message has been delivered once, in order, and stored once.
 */
class FaultInjectionTest {
  private static final int PER_SENDER = 200;

  @Test
  void noLossNoDuplicatesOrderKeptThroughDropsDelaysHalfOpenAndBlackholes() throws Exception {
    try (ImServer server = ImServer.start();
        FaultProxy proxy = FaultProxy.start(server::tcpPort);
        Clients clients = new Clients()) {
      UnaryOperator<ClientConfig.Builder> flaky = b -> b
          .heartbeat(HeartbeatPolicy.fixed(Duration.ofMillis(200)))
          .heartbeatTimeout(Duration.ofMillis(400))
          .loginTimeout(Duration.ofSeconds(2))
          .resendAfter(Duration.ofSeconds(1))
          .backoff(Backoff.exponential(Duration.ofMillis(50), Duration.ofMillis(400)));
      Pair alice = clients.tcp(server, proxy.port(), "alice", flaky);
      Pair bob = clients.tcp(server, proxy.port(), "bob", flaky);
      Pair carol = clients.tcp(server, proxy.port(), "carol", flaky);
      await().until(() -> List.of(alice, bob, carol).stream().allMatch(p -> p.rec().state() == ConnectionState.ONLINE));
      String group = alice.client().createGroup("team", List.of("bob", "carol")).join().getConversation();

      Random random = new Random(42);
      List<String> faults = new ArrayList<>();
      int[] kind = {0};
      for (int i = 0; i < PER_SENDER; i++) {
        alice.client().sendText("bob", "a" + i);
        bob.client().sendText("alice", "b" + i);
        alice.client().send(Outgoing.text("g" + i).toConversation(group));
        if (i % 40 == 5) {
          faults.add(inject(proxy, kind[0]++ % 4, random));
        }
        // Paced, so each fault lasts about a second: long enough for a heartbeat to go unanswered.
        java.util.concurrent.locks.LockSupport.parkNanos(25_000_000L);
      }
      proxy.blackhole(false);
      proxy.delay(Duration.ZERO);

      await().atMost(Duration.ofSeconds(60)).until(() -> alice.rec().sent.size() == 2 * PER_SENDER
          && bob.rec().sent.size() == PER_SENDER);
      String direct = Ids.direct("alice", "bob");
      await().atMost(Duration.ofSeconds(30)).until(() -> bob.rec().texts(direct).size() == PER_SENDER
          && alice.rec().texts(direct).size() == PER_SENDER
          && bob.rec().texts(group).size() >= PER_SENDER && carol.rec().texts(group).size() >= PER_SENDER);

      // Each client saw each message once, in seq order; a sender's own messages in its order.
      for (Pair p : List.of(alice, bob, carol)) {
        for (String conv : List.of(direct, group)) {
          List<Long> seqs = p.rec().messages.stream().filter(m -> m.getConversation().equals(conv))
              .map(Message::getSeq).toList();
          assertThat(seqs).doesNotHaveDuplicates().isSorted();
        }
        assertThat(p.rec().failed).isEmpty();
      }
      assertThat(bob.rec().texts(direct)).containsExactlyElementsOf(texts("a"));
      assertThat(alice.rec().texts(direct)).containsExactlyElementsOf(texts("b"));
      for (Pair p : List.of(bob, carol)) {
        assertThat(p.rec().texts(group).stream().filter(t -> t.startsWith("g")).toList())
            .containsExactlyElementsOf(texts("g"));
      }
      assertThat(server.storedMessages(direct)).isEqualTo(2L * PER_SENDER);
      // Stored once each: 150 messages plus the group's creation.
      assertThat(server.storedMessages(group)).isEqualTo(PER_SENDER + 1L);
      long reconnects = List.of(alice, bob, carol).stream().mapToLong(p -> p.rec().logins()).sum() - 3;
      long deadLinks = List.of(alice, bob, carol).stream().flatMap(p -> p.rec().events.stream())
          .filter(e -> e.cause() == ConnectionEvent.Cause.HEARTBEAT_TIMEOUT).count();
      System.out.printf("fault injection: %s; %d reconnects (%d dead links found by heartbeat), %d connections "
          + "through the proxy%n", faults, reconnects, deadLinks, proxy.accepted());
      assertThat(deadLinks).isPositive();
      assertThat(reconnects).isPositive();
    }
  }

  private static List<String> texts(String prefix) {
    return IntStream.range(0, PER_SENDER).mapToObj(i -> prefix + i).toList();
  }

  private static String inject(FaultProxy proxy, int kind, Random random) {
    proxy.blackhole(false);
    proxy.delay(Duration.ZERO);
    switch (kind) {
      case 0 -> {
        proxy.dropAll();
        return "drop";
      }
      case 1 -> {
        proxy.delay(Duration.ofMillis(50 + random.nextInt(200)));
        return "delay";
      }
      case 2 -> {
        proxy.halfOpenAll();
        return "half-open";
      }
      default -> {
        proxy.blackhole(true);
        return "blackhole";
      }
    }
  }
}
