package dev.parley.mqtt.cluster;

import static dev.parley.mqtt.cluster.ClusterNodes.expectPublish;
import static dev.parley.mqtt.cluster.ClusterNodes.publish;
import static dev.parley.mqtt.cluster.ClusterNodes.router;
import static dev.parley.mqtt.cluster.ClusterNodes.subscribe;
import static dev.parley.mqtt.cluster.ClusterNodes.unsubscribe;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.mqtt.it.RawClient;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * A node's cache of the other nodes' filters stays right where its sources cross: a restarted
 * Redis that the nodes notice one after another, a node missing from the cluster for a while (or
 * not seen in it yet),
 * a snapshot of the bus that answers after an announcement sent later than it was read, and many
 * nodes asking for a read at once.
 */
class ClusterFilterCacheTest extends TwoNodeTest {
  private static final String TOPIC = "public/cache/t";

  private RawClient subscribedOnB(String id, String filter) throws IOException {
    RawClient sub = nodes.client(nodes.b, id);
    subscribe(sub, filter, 0);
    awaitKnown(filter);
    return sub;
  }

  private void awaitKnown(String filter) {
    await().atMost(WAIT).until(() -> router(nodes.a).remoteFilters("b").contains(filter));
  }

  private void expectRoutedFromA(RawClient sub) throws IOException {
    RawClient pub = nodes.client(nodes.a, "cache-pub");
    publish(pub, TOPIC, "after");
    expectPublish(sub, "after");
  }

  @Test
  void aNodeThatNoticedARestartedRedisFirstKeepsTheFiltersTheOtherHasNotWrittenAgainYet() throws IOException {
    RawClient sub = subscribedOnB("restart-sub", TOPIC);

    nodes.bus.cut();
    nodes.bus.restartStore();
    nodes.bus.delayLookups("a");
    int before = nodes.bus.lookups("a");
    nodes.bus.heal("a");
    // a reads the bus on its resume, before b wrote its filters again: the answer lacks them.
    await().atMost(WAIT).until(() -> nodes.bus.lookups("a") > before);
    nodes.bus.answerLookups("a");
    // The marker's announcement reaches a after that answer did.
    subscribe(sub, "public/cache/marker", 0);
    awaitKnown("public/cache/marker");
    assertThat(router(nodes.a).remoteFilters("b")).contains(TOPIC);
    expectRoutedFromA(sub);

    // b wrote them again and said so: from now on a read of the bus takes away what b no longer holds.
    nodes.bus.heal("b");
    subscribe(sub, "public/cache/marker2", 0);
    awaitKnown("public/cache/marker2");
    nodes.bus.withhold("a", ClusterMessageRouter.FILTER_CHANGED);
    unsubscribe(sub, "public/cache/marker");
    await().atMost(WAIT).until(() -> nodes.bus.held(ClusterMessageRouter.FILTERS).stream()
        .noneMatch(h -> h.field().equals("public/cache/marker")));
    router(nodes.a).refresh();
    await().atMost(WAIT).until(() -> !router(nodes.a).remoteFilters("b").contains("public/cache/marker"));
    assertThat(router(nodes.a).remoteFilters("b")).contains(TOPIC, "public/cache/marker2");
  }

  @Test
  void aSnapshotAddsTheFiltersOfANodeThisOneDoesNotSeeInTheClusterYet() throws IOException {
    nodes.bus.absent("b");
    nodes.time.advance(ClusterMessageRouter.SWEEP_PERIOD);
    // b's announcement does not reach a; only a read of the bus tells a of the filter.
    nodes.bus.withhold("a", ClusterMessageRouter.FILTER_CHANGED);
    RawClient sub = nodes.client(nodes.b, "unseen-sub");
    subscribe(sub, TOPIC, 0);
    await().atMost(WAIT).until(() -> nodes.bus.held(ClusterMessageRouter.FILTERS).stream()
        .anyMatch(h -> h.field().equals(TOPIC)));
    router(nodes.a).refresh();

    awaitKnown(TOPIC);
    nodes.bus.present("b");
    nodes.bus.deliverWithheld("a", ClusterMessageRouter.FILTER_CHANGED);
    expectRoutedFromA(sub);
  }

  @Test
  void aNodeMissingFromTheClusterForAWhileComesBackWithItsFilters() throws IOException {
    RawClient sub = subscribedOnB("missing-sub", TOPIC);

    nodes.bus.absent("b");
    nodes.time.advance(ClusterMessageRouter.SWEEP_PERIOD.plus(ClusterMessageRouter.GONE_GRACE));
    assertThat(router(nodes.a).remoteFilters("b")).isEmpty();
    nodes.bus.present("b");
    nodes.time.advance(ClusterMessageRouter.SWEEP_PERIOD);

    awaitKnown(TOPIC);
    expectRoutedFromA(sub);
  }

  @Test
  void aSnapshotOlderThanAnAnnouncementDoesNotUndoIt() throws IOException {
    RawClient sub = nodes.client(nodes.b, "stale-sub");
    subscribe(sub, "public/cache/old", 0);
    awaitKnown("public/cache/old");

    nodes.bus.delayLookups("a");
    router(nodes.a).refresh();
    // Read when asked: b's next filter is not in it.
    subscribe(sub, TOPIC, 0);
    awaitKnown(TOPIC);
    nodes.bus.answerLookups("a");
    // a's bus thread takes in the old answer before this announcement.
    subscribe(sub, "public/cache/marker", 0);
    awaitKnown("public/cache/marker");

    assertThat(router(nodes.a).remoteFilters("b")).contains(TOPIC, "public/cache/old");
    expectRoutedFromA(sub);
  }

  @Test
  void refreshesAskedForWhileOneIsOnItsWayReadTheBusOnceMore() throws IOException {
    RawClient sub = subscribedOnB("coalesce-sub", "public/cache/old");
    nodes.bus.delayLookups("a");
    int before = nodes.bus.lookups("a");

    for (int i = 0; i < 5; i++) {
      router(nodes.a).refresh();
    }
    assertThat(nodes.bus.lookups("a")).isEqualTo(before + 1);
    subscribe(sub, TOPIC, 0);
    awaitKnown(TOPIC);
    nodes.bus.answerLookups("a");
    // The marker's announcement reaches a after the answers to every read a asked for by then.
    subscribe(sub, "public/cache/marker", 0);
    awaitKnown("public/cache/marker");

    assertThat(nodes.bus.lookups("a")).isEqualTo(before + 2);
    assertThat(router(nodes.a).remoteFilters("b")).contains(TOPIC, "public/cache/old");
    expectRoutedFromA(sub);
  }
}
