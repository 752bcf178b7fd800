package dev.parley.im.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.protocol.Ids;
import dev.parley.protocol.im.Message;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.awaitility.core.ConditionFactory;

/**
 * What a chaos run checks once its devices are done sending, shared by the one-server chaos test
 * and the cluster's: every acknowledged message reached every device of both users of its
 * conversation exactly once, at the seq its SendAck named, and no push came out of order.
 */
public final class ChaosCheck {
  /** What a run did and saw, to print. */
  public record Counts(int acked, int checked, int deliveries, int duplicates, int connects, int gapSyncs,
      int outOfOrder, int goAways, int refusals) {
    @Override
    public String toString() {
      return String.format("%d messages acknowledged, %d device deliveries checked, %d deliveries in total, "
          + "%d GoAways, %d connects, %d refusals (retried), %d duplicate pushes dropped by devices, %d gap syncs, "
          + "%d pushes out of order", acked, checked, deliveries, goAways, connects, refusals, duplicates, gapSyncs,
          outOfOrder);
    }
  }

  private ChaosCheck() {}

  /** Ends a wait at once when the server refuses for good, or refuses more sends than there are. */
  public static ConditionFactory refusing(ConditionFactory f, List<ChaosDevice> devices, int total) {
    return f.failFast("the server refused sends for good", () -> devices.stream().anyMatch(d -> d.finalRefusals() > 0))
        .failFast("the server refused more requests than there are messages",
            () -> devices.stream().mapToInt(ChaosDevice::refusals).sum() > total);
  }

  /** Waits until every device's sends are acknowledged, then until every device has caught up by syncing. */
  public static void awaitDone(List<ChaosDevice> devices, int total, Duration acks, Duration catchUp) {
    refusing(await(), devices, total).atMost(acks).pollInterval(Duration.ofMillis(200))
        .until(() -> devices.stream().allMatch(d -> d.outboxSize() == 0));
    devices.forEach(ChaosDevice::syncNow);
    Map<String, Long> expectedLast = lastSeqs(devices);
    await().atMost(catchUp).pollInterval(Duration.ofMillis(200)).until(() -> {
      devices.forEach(ChaosDevice::syncNow);
      return devices.stream().allMatch(d -> caughtUp(d, expectedLast));
    });
  }

  /** Asserts once, at its seq, everywhere, and every push in seq order on its connection; answers the counts. */
  public static Counts verify(List<ChaosDevice> devices) {
    return verify(devices, true);
  }

  /**
   * Asserts once, at its seq, everywhere; with {@code pushesInOrder}, also that pushes came in seq
   * order on every connection (one server guarantees it; across nodes, pushes of one conversation
   * committed by two nodes may cross, and the device orders them by buffering and syncing).
   */
  public static Counts verify(List<ChaosDevice> devices, boolean pushesInOrder) {
    int checked = 0;
    int deliveries = 0;
    Map<String, String> allAcked = new HashMap<>();
    devices.forEach(d -> allAcked.putAll(d.acked()));
    for (ChaosDevice d : devices) {
      for (Map.Entry<String, List<Message>> e : d.delivered().entrySet()) {
        List<Message> list = e.getValue();
        Set<String> seenIds = new HashSet<>();
        for (Message m : list) {
          assertThat(seenIds.add(m.getClientId())).as("once: %s", m.getClientId()).isTrue();
        }
        deliveries += list.size();
      }
    }
    for (Map.Entry<String, String> a : allAcked.entrySet()) {
      String cid = a.getValue().substring(0, a.getValue().indexOf('#'));
      long seq = Long.parseLong(a.getValue().substring(a.getValue().indexOf('#') + 1));
      for (String user : Ids.directUsers(cid)) {
        for (ChaosDevice d : devices) {
          if (d.user().equals(user)) {
            List<Message> list = d.delivered().getOrDefault(cid, List.of());
            assertThat(list.size()).as("%s has %s#%d", d.user(), cid, seq).isGreaterThanOrEqualTo((int) seq);
            assertThat(list.get((int) seq - 1).getClientId()).isEqualTo(a.getKey());
            checked++;
          }
        }
      }
    }
    Counts c = new Counts(allAcked.size(), checked, deliveries, devices.stream().mapToInt(d -> d.duplicatesDropped).sum(),
        devices.stream().mapToInt(d -> d.connects).sum(), devices.stream().mapToInt(d -> d.gapSyncs).sum(),
        devices.stream().mapToInt(d -> d.outOfOrderPushes).sum(), devices.stream().mapToInt(d -> d.goAways).sum(),
        devices.stream().mapToInt(ChaosDevice::refusals).sum());
    if (pushesInOrder) {
      assertThat(c.outOfOrder()).as("pushes that arrived out of seq order on a connection").isZero();
    }
    assertThat(devices).allMatch(d -> d.finalRefusals() == 0);
    return c;
  }

  private static Map<String, Long> lastSeqs(List<ChaosDevice> devices) {
    Map<String, Long> last = new HashMap<>();
    for (ChaosDevice d : devices) {
      for (String v : d.acked().values()) {
        String cid = v.substring(0, v.indexOf('#'));
        last.merge(cid, Long.parseLong(v.substring(v.indexOf('#') + 1)), Math::max);
      }
    }
    return last;
  }

  private static boolean caughtUp(ChaosDevice d, Map<String, Long> last) {
    Map<String, List<Message>> have = d.delivered();
    for (Map.Entry<String, Long> e : last.entrySet()) {
      String[] users = Ids.directUsers(e.getKey());
      if (users[0].equals(d.user()) || users[1].equals(d.user())) {
        if (have.getOrDefault(e.getKey(), List.of()).size() < e.getValue()) {
          return false;
        }
      }
    }
    return true;
  }
}
