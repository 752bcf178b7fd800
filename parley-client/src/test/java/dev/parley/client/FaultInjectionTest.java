package dev.parley.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.client.Clients.Pair;
import dev.parley.client.heartbeat.HeartbeatPolicy;
import dev.parley.client.testing.FaultProxy;
import dev.parley.client.time.ManualScheduler;
import dev.parley.im.testing.ImServer;
import dev.parley.protocol.Ids;
import dev.parley.protocol.im.Message;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Clients talk through a proxy that drops, delays, half-opens and blackholes their connections
 * while they send: afterwards every message has been delivered once, in order, and stored once.
 *
 * <p>The clients' timers and the proxy's delays run on one {@link ManualScheduler}: each fault
 * lasts exactly 975 ms of that time (39 sends, 25 ms apart), which is more than two heartbeat
 * timeouts, so a blackholed or half-open link is found dead by its heartbeat however fast or slow
 * the machine is. Between faults the test moves time on in small steps until every client is
 * back online.
 */
class FaultInjectionTest {
  private static final int PER_SENDER = 200;
  private final ManualScheduler time = new ManualScheduler();

  /** Moves the clients' time on in steps of 20 ms until {@code done}; real sockets do the rest. */
  private boolean drive(BooleanSupplier done) {
    if (done.getAsBoolean()) {
      return true;
    }
    time.advanceMillis(20);
    return false;
  }

  @Test
  void noLossNoDuplicatesOrderKeptThroughDropsDelaysHalfOpenAndBlackholes() throws Exception {
    try (ImServer server = ImServer.start();
        FaultProxy proxy = FaultProxy.start(server::tcpPort, time);
        Clients clients = new Clients()) {
      ClientRuntime rt = clients.runtime(ClientRuntime.builder().scheduler(time));
      UnaryOperator<ClientConfig.Builder> flaky = b -> b.runtime(rt)
          .heartbeat(HeartbeatPolicy.fixed(Duration.ofMillis(200)))
          .heartbeatTimeout(Duration.ofMillis(400))
          .loginTimeout(Duration.ofSeconds(2))
          .resendAfter(Duration.ofSeconds(1))
          .backoff(Backoff.exponential(Duration.ofMillis(50), Duration.ofMillis(400)));
      Pair alice = clients.tcp(server, proxy.port(), "alice", flaky);
      Pair bob = clients.tcp(server, proxy.port(), "bob", flaky);
      Pair carol = clients.tcp(server, proxy.port(), "carol", flaky);
      List<Pair> all = List.of(alice, bob, carol);
      await().until(() -> all.stream().allMatch(p -> p.rec().state() == ConnectionState.ONLINE));
      String group = alice.client().createGroup("team", List.of("bob", "carol")).join().getConversation();

      Random random = new Random(42);
      List<String> faults = new ArrayList<>();
      int[] kind = {0};
      for (int i = 0; i < PER_SENDER; i++) {
        alice.client().sendText("bob", "a" + i);
        bob.client().sendText("alice", "b" + i);
        alice.client().send(Outgoing.text("g" + i).toConversation(group));
        if (i % 40 == 4 && i > 5) {
          // The fault before ends: everyone gets back online before the next one.
          heal(proxy);
          await().atMost(Duration.ofSeconds(60))
              .until(() -> drive(() -> all.stream().allMatch(p -> p.rec().state() == ConnectionState.ONLINE)));
        }
        if (i % 40 == 5) {
          faults.add(inject(proxy, kind[0]++ % 4, random));
        }
        // Each send 25 ms of client time after the last: a fault lasts 39 of them.
        time.advanceMillis(25);
        all.forEach(p -> p.client().state());
      }
      heal(proxy);

      String direct = Ids.direct("alice", "bob");
      await().atMost(Duration.ofSeconds(60)).until(() -> drive(() -> alice.rec().sent.size() == 2 * PER_SENDER
          && bob.rec().sent.size() == PER_SENDER
          && bob.rec().texts(direct).size() == PER_SENDER && alice.rec().texts(direct).size() == PER_SENDER
          && bob.rec().texts(group).size() >= PER_SENDER && carol.rec().texts(group).size() >= PER_SENDER));

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
      // Every half-open and blackholed link was found dead by its heartbeat (each fault hits all three).
      long silentFaults = faults.stream().filter(f -> f.equals("half-open") || f.equals("blackhole")).count();
      assertThat(silentFaults).isEqualTo(2);
      assertThat(deadLinks).isGreaterThanOrEqualTo(3 * silentFaults);
      // And every fault but a delay cost each of the three its link.
      long cutting = faults.stream().filter(f -> !f.equals("delay")).count();
      assertThat(cutting).isEqualTo(4);
      assertThat(reconnects).isGreaterThanOrEqualTo(3 * cutting);
    }
  }

  private static List<String> texts(String prefix) {
    return IntStream.range(0, PER_SENDER).mapToObj(i -> prefix + i).toList();
  }

  private static void heal(FaultProxy proxy) {
    proxy.blackhole(false);
    proxy.delay(Duration.ZERO);
  }

  private static String inject(FaultProxy proxy, int kind, Random random) {
    heal(proxy);
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
