package dev.parley.rtc.turn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import dev.parley.core.testing.BusModule;
import dev.parley.core.testing.InMemoryBus;
import dev.parley.core.testing.ManualTime;
import dev.parley.core.testing.TestKernel;
import dev.parley.rtc.RtcModule;
import dev.parley.rtc.testing.RtcTestServers;
import dev.parley.rtc.testing.TurnTestClient;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The user quota counts a user's allocations on every node: the nodes tell each other their counts
 * over the bus, a released allocation frees the quota everywhere, and the allocations of a node
 * that left the cluster no longer count.
 */
class ClusterTurnQuotaTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  private final ManualTime clock = new ManualTime();
  private final InMemoryBus bus = new InMemoryBus();
  private final List<AutoCloseable> open = new ArrayList<>();
  private TestKernel a;
  private TestKernel b;

  private TestKernel node(String id) {
    TestKernel k = TestKernel.builder(() -> List.of(new BusModule(bus.node(id), bus.cluster(id)), new RtcModule()))
        .time(clock)
        .set("rtc.turn.secret", RtcTestServers.SECRET)
        .set("rtc.turn.allowed-peers", "127.0.0.0/8")
        .set("rtc.turn.user-quota", "2")
        .start();
    open.add(k);
    return k;
  }

  @BeforeEach
  void start() {
    a = node("a");
    b = node("b");
  }

  @AfterEach
  void stop() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  private TurnTestClient client(TestKernel k, String user) {
    TurnTestClient c = RtcTestServers.udpClient(k, user, clock);
    open.add(c);
    return c;
  }

  private static int heldBy(TestKernel k, String user) {
    return RtcTestServers.module(k).turnServer().quotas().heldBy(user);
  }

  @Test
  void allocationsOnEveryNodeTakeTheUsersQuota_aReleaseFreesItEverywhere_aDeadNodesNoLonger() {
    client(a, "alice").allocate();
    TurnTestClient onB = client(b, "alice");
    onB.allocate();
    await().atMost(WAIT).until(() -> heldBy(a, "alice") == 2 && heldBy(b, "alice") == 2);
    assertThat(TurnTestClient.errorCode(client(a, "alice").allocateRequest(-1))).isEqualTo(486);
    assertThat(heldBy(a, "alice")).as("a refused allocation counts nothing").isEqualTo(2);
    client(a, "bob").allocate();

    onB.expectSuccess(onB.refresh(0));
    await().atMost(WAIT).until(() -> heldBy(a, "alice") == 1);
    client(a, "alice").allocate();
    await().atMost(WAIT).until(() -> heldBy(b, "alice") == 2);
    assertThat(TurnTestClient.errorCode(client(b, "alice").allocateRequest(-1))).isEqualTo(486);

    bus.kill("a");
    client(b, "alice").allocate();
    assertThat(heldBy(b, "alice")).isEqualTo(1);
  }

  @Test
  void aNodeThatStartsLearnsTheCountsHeldBeforeIt_andOneBackFromAnOutageSendsItsOwnAgain() {
    client(a, "carol").allocate();
    TestKernel c = node("c");
    await().atMost(WAIT).until(() -> heldBy(c, "carol") == 1);

    bus.cut();
    client(a, "carol").allocate();
    assertThat(heldBy(c, "carol")).as("the count sent while the bus is cut is lost").isEqualTo(1);
    bus.heal();
    await().atMost(WAIT).until(() -> heldBy(c, "carol") == 2);
    assertThat(TurnTestClient.errorCode(client(c, "carol").allocateRequest(-1))).isEqualTo(486);
  }

  @Test
  void countsTravelWhole_andABadPayloadIsRefused() throws IOException {
    Map<String, Integer> counts = Map.of("dana", 3, "ünïcode-user", 1);
    assertThat(ClusterUserAllocations.decode(ClusterUserAllocations.encode(counts))).isEqualTo(counts);
    assertThat(catchThrowable(() -> ClusterUserAllocations.decode(new byte[] {0, 0, 0, 9})))
        .isInstanceOf(IOException.class);
    byte[] trailing = Arrays.copyOf(ClusterUserAllocations.encode(counts), 40);
    assertThat(catchThrowable(() -> ClusterUserAllocations.decode(trailing)))
        .isInstanceOf(IOException.class);
  }
}
