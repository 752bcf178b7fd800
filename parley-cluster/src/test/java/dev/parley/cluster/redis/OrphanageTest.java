package dev.parley.cluster.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.core.cluster.NodeBus.Held;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the bus hands its orphan listeners: this node's earlier run's entries wait for a listener of
 * their keys, and are made pending as they are handed; a later node's entries go to the listeners
 * there are (its purge made them pending already), and nothing of them waits.
 */
class OrphanageTest {
  /** What the orphanage made pending, and what listeners were told, in order, as "pend key" and "node:key". */
  private final List<String> steps = new ArrayList<>();
  private final Orphanage orphanage = new Orphanage(taken -> taken.keySet().forEach(k -> steps.add("pend " + k)));

  private static Map<String, List<Held>> entry(String node, String key) {
    return Map.of(key, List.of(new Held(node, "s", "")));
  }

  private List<String> listen(String prefix) {
    List<String> got = new ArrayList<>();
    orphanage.listen(prefix, (node, entries) -> entries.keySet().forEach(k -> {
      got.add(node + ":" + k);
      steps.add(node + ":" + k);
    }));
    return got;
  }

  @Test
  void entriesKeptForALaterListenerStayWhenTheSameNodesNextRemovalIsNotKept() {
    orphanage.removed("n1", entry("n1", "mqtt:c:kept"), true);
    orphanage.removed("n1", entry("n1", "im:u:dropped"), false);

    assertThat(listen("mqtt:c:")).containsExactly("n1:mqtt:c:kept");
    assertThat(listen("im:u:")).isEmpty();
    assertThat(steps).containsExactly("pend mqtt:c:kept", "n1:mqtt:c:kept");
  }

  @Test
  void aRemovalNotKeptGoesToTheListenersThereAreOnce() {
    List<String> mqtt = listen("mqtt:c:");
    orphanage.removed("n2", entry("n2", "mqtt:c:a"), false);
    orphanage.removed("n2", entry("n2", "rtc:busy:b"), false);

    assertThat(mqtt).containsExactly("n2:mqtt:c:a");
    assertThat(listen("rtc:busy:")).isEmpty();
    assertThat(listen("mqtt:c:")).isEmpty();
    assertThat(steps).containsExactly("n2:mqtt:c:a");
  }
}
