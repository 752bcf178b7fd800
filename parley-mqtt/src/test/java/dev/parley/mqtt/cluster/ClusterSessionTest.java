package dev.parley.mqtt.cluster;

import static dev.parley.mqtt.cluster.ClusterNodes.connect;
import static dev.parley.mqtt.cluster.ClusterNodes.expectPublish;
import static dev.parley.mqtt.cluster.ClusterNodes.publish;
import static dev.parley.mqtt.cluster.ClusterNodes.router;
import static dev.parley.mqtt.cluster.ClusterNodes.subscribe;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.core.cluster.NodeBus;
import dev.parley.core.testing.TestKernel;
import dev.parley.mqtt.codec.MessageProps;
import dev.parley.mqtt.codec.MqttPacket;
import dev.parley.mqtt.codec.MqttVersion;
import dev.parley.mqtt.codec.PacketType;
import dev.parley.mqtt.codec.Properties;
import dev.parley.mqtt.codec.ReasonCode;
import dev.parley.mqtt.it.MqttServer;
import dev.parley.mqtt.it.RawClient;
import dev.parley.mqtt.store.MqttStore;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Persistent sessions on nodes sharing one database: a node starting leaves the stored sessions
 * alone; a session moves to the node its client connects to, with its subscriptions and queued
 * messages, and a connection on another node takes over a connected one (0x8E, will by the
 * takeover rules).
 */
class ClusterSessionTest extends TwoNodeTest {
  private static final String DRAINED = "dev-drained\nline-2";

  private static void awaitKnown(TestKernel on, String node, String filter) {
    await().atMost(WAIT).until(() -> router(on).remoteFilters(node).contains(filter));
  }

  /**
   * The sweeps run until {@code on} drops the filters of dead node a: until then it sends a's copies
   * there, and a QoS 1 publish waits for a's confirm (docs/CLUSTER.md).
   */
  private void dropDeadFilters(TestKernel on, String filter) {
    nodes.time.advance(ClusterMessageRouter.SWEEP_PERIOD.plus(ClusterMessageRouter.GONE_GRACE));
    await().atMost(WAIT).until(() -> !router(on).remoteFilters("a").contains(filter));
  }

  /** A persistent session of {@code clientId} connected on a, subscribed to {@code topic} at QoS 1, known to b. */
  private RawClient subscribedOnA(String clientId, String topic) throws IOException {
    RawClient device = nodes.client(nodes.a, clientId, 300, true);
    subscribe(device, topic, 1);
    awaitKnown(nodes.b, "a", topic);
    return device;
  }

  /** The publisher's connection is closed instead of its publish acknowledged: it sends it again. */
  private static void expectNotAcknowledged(RawClient pub) throws IOException {
    MqttPacket reply = pub.read();
    assertThat(reply).isInstanceOf(MqttPacket.Disconnect.class);
    assertThat(((MqttPacket.Disconnect) reply).reasonCode()).isEqualTo(ReasonCode.UNSPECIFIED_ERROR);
  }

  /** Publishes at QoS 1 and waits for the PUBACK. */
  private static void publishQos1(RawClient c, int packetId, String topic, String payload) throws IOException {
    c.send(new MqttPacket.Publish(topic, 1, false, packetId, payload.getBytes()));
    MqttPacket.PubReply ack = (MqttPacket.PubReply) c.read();
    assertThat(ack.packetId()).isEqualTo(packetId);
  }

  /**
   * A persistent session of {@code clientId} on a, offline, subscribed to {@code topic} at QoS 1,
   * with {@code first} and {@code second} published on b and queued for it.
   */
  private void offlineOnAWithTwoQueued(String clientId, String topic, String first, String second)
      throws IOException {
    subscribedOnA(clientId, topic).close();
    MqttServer.awaitOffline(nodes.a, clientId);
    RawClient pub = nodes.client(nodes.b, clientId + "-pub");
    publishQos1(pub, 1, topic, first);
    publishQos1(pub, 2, topic, second);
    await().atMost(WAIT).until(() -> MqttServer.broker(nodes.a).session(clientId).queued() == 2);
  }

  @Test
  void persistentSessionMadeOnOneNodeResumesOnTheOtherWithItsQueuedMessages() throws IOException {
    offlineOnAWithTwoQueued("dev-1", "public/p/t", "m1", "m2");

    RawClient back = nodes.unconnected(nodes.b);
    assertThat(connect(back, "dev-1", 300, false, null).sessionPresent()).isTrue();
    MqttPacket.Publish m1 = expectPublish(back, "m1");
    MqttPacket.Publish m2 = expectPublish(back, "m2");
    back.send(new MqttPacket.PubReply(PacketType.PUBACK, m1.packetId()));
    back.send(new MqttPacket.PubReply(PacketType.PUBACK, m2.packetId()));
    assertThat(MqttServer.broker(nodes.a).session("dev-1")).isNull();
    // The subscription came along: b routes to it, a stopped announcing it.
    await().atMost(WAIT).until(() -> !router(nodes.b).remoteFilters("a").contains("public/p/t"));
    awaitKnown(nodes.a, "b", "public/p/t");
    publish(nodes.client(nodes.a, "p-pub-a"), "public/p/t", "m3");
    expectPublish(back, "m3");
  }

  @Test
  void sessionOfANodeThatDiedResumesOnAnotherNodeWithItsQueuedMessagesFromTheStore() throws Exception {
    offlineOnAWithTwoQueued("dev-dead", "public/d/t", "d1", "d2");
    ((MqttStore) MqttServer.broker(nodes.a).store()).flush().get(10, TimeUnit.SECONDS);

    // Node a dies: dropped from the bus with its entries (as after cluster.node-timeout), no
    // handover; b may be taking its session on already; its kernel goes too.
    nodes.bus.kill("a");
    assertThat(nodes.bus.held(ClusterSessionDirectory.key("dev-dead"))).extracting(NodeBus.Held::node)
        .doesNotContain("a");
    nodes.a.close();
    nodes.a = null;

    RawClient back = nodes.unconnected(nodes.b);
    assertThat(connect(back, "dev-dead", 300, false, null).sessionPresent()).isTrue();
    MqttPacket.Publish d1 = expectPublish(back, "d1");
    MqttPacket.Publish d2 = expectPublish(back, "d2");
    assertThat(d1.qos()).isEqualTo(1);
    back.send(new MqttPacket.PubReply(PacketType.PUBACK, d1.packetId()));
    back.send(new MqttPacket.PubReply(PacketType.PUBACK, d2.packetId()));
    assertThat(MqttServer.broker(nodes.b).session("dev-dead").subscriptions()).hasSize(1);
    assertThat(nodes.bus.held(ClusterSessionDirectory.key("dev-dead"))).extracting(NodeBus.Held::node)
        .containsExactly("b");
    publish(nodes.client(nodes.b, "d-pub-2"), "public/d/t", "d3");
    expectPublish(back, "d3");
  }

  @Test
  void theSessionsOfANodeThatDiedAreTakenOnAndQueueWhatIsPublishedUntilTheirClientReturns() throws Exception {
    offlineOnAWithTwoQueued("dev-orphan", "public/o/t", "o1", "o2");
    RawClient connected = nodes.client(nodes.a, "dev-on-a", 300, true);
    subscribe(connected, "public/c/t", 1);
    awaitKnown(nodes.b, "a", "public/c/t");
    ((MqttStore) MqttServer.broker(nodes.a).store()).flush().get(10, TimeUnit.SECONDS);

    // Node a dies with one offline session and one connected; the bus hands their entries to b.
    nodes.bus.kill("a");
    nodes.a.close();
    nodes.a = null;
    await().atMost(WAIT).until(() -> MqttServer.broker(nodes.b).session("dev-orphan") != null
        && MqttServer.broker(nodes.b).session("dev-on-a") != null);
    assertThat(nodes.bus.held(ClusterSessionDirectory.key("dev-orphan"))).extracting(NodeBus.Held::node)
        .containsExactly("b");
    await().atMost(WAIT).until(() -> MqttServer.broker(nodes.b).session("dev-orphan").queued() == 2);

    dropDeadFilters(nodes.b, "public/o/t");
    // Published while their clients are away: queued by b, which holds their subscriptions now.
    RawClient pub = nodes.client(nodes.b, "o-pub");
    publishQos1(pub, 1, "public/o/t", "o3");
    publishQos1(pub, 2, "public/c/t", "c1");
    await().atMost(WAIT).until(() -> MqttServer.broker(nodes.b).session("dev-orphan").queued() == 3
        && MqttServer.broker(nodes.b).session("dev-on-a").queued() == 1);

    RawClient back = nodes.unconnected(nodes.b);
    assertThat(connect(back, "dev-orphan", 300, false, null).sessionPresent()).isTrue();
    for (String m : new String[] {"o1", "o2", "o3"}) {
      back.send(new MqttPacket.PubReply(PacketType.PUBACK, expectPublish(back, m).packetId()));
    }
    RawClient again = nodes.unconnected(nodes.b);
    assertThat(connect(again, "dev-on-a", 300, false, null).sessionPresent()).isTrue();
    expectPublish(again, "c1");
  }

  /**
   * Once c took on the session of {@code clientId} (subscribed to {@code topic}, queued messages
   * {@code earlier} from a), it holds its key alone (what the bus kept for it settled), queues
   * {@code next} published for it, and its client gets them all on its return.
   */
  private void queuedAndDeliveredOnC(String clientId, String topic, String next, String... earlier) throws IOException {
    await().atMost(WAIT).until(() -> MqttServer.broker(nodes.c).session(clientId) != null);
    assertThat(nodes.bus.held(ClusterSessionDirectory.key(clientId))).extracting(h -> h.node() + "/" + h.field())
        .containsExactly("c/s");
    dropDeadFilters(nodes.c, topic);
    publishQos1(nodes.client(nodes.c, clientId + "-pub-c"), 1, topic, next);
    await().atMost(WAIT).until(() -> MqttServer.broker(nodes.c).session(clientId).queued() == earlier.length + 1);
    RawClient back = nodes.unconnected(nodes.c);
    assertThat(connect(back, clientId, 300, false, null).sessionPresent()).isTrue();
    for (String m : earlier) {
      back.send(new MqttPacket.PubReply(PacketType.PUBACK, expectPublish(back, m).packetId()));
    }
    back.send(new MqttPacket.PubReply(PacketType.PUBACK, expectPublish(back, next).packetId()));
  }

  /**
   * Node a dies with an offline session, and b, whose purge was told of it, dies too before it
   * acted on it (its bus thread is held): the bus kept the session as b's, pending, so c, the node
   * that finds b gone, takes it on, queues what is published for it and hands it all to its client.
   */
  @Test
  void aDeadNodesSessionIsTakenOnByTheNextNodeWhenTheFirstTakerDiesBeforeActing() throws Exception {
    nodes.c = nodes.node("c");
    offlineOnAWithTwoQueued("dev-twice", "public/tw/t", "t1", "t2");
    ((MqttStore) MqttServer.broker(nodes.a).store()).flush().get(10, TimeUnit.SECONDS);
    nodes.bus.pause("b");
    nodes.bus.kill("a");
    nodes.a.close();
    nodes.a = null;
    nodes.bus.kill("b");
    nodes.b.close();
    nodes.b = null;

    queuedAndDeliveredOnC("dev-twice", "public/tw/t", "t3", "t1", "t2");
  }

  /**
   * Until a live node has taken a dead node's session on, nothing published for it is
   * acknowledged: the other nodes keep the dead node's filters for {@link
   * ClusterMessageRouter#GONE_GRACE} after they found it gone, and it confirms nothing. Here b
   * hears of the death late (its bus thread is held), so c's publisher is disconnected
   * unacknowledged, and its resend once the grace is over reaches the session b took on.
   */
  @Test
  void whatIsPublishedWhileADeadNodesSessionHasNoHomeYetIsNotAcknowledged() throws Exception {
    nodes.c = nodes.node("c");
    RawClient device = nodes.client(nodes.a, "dev-homeless", 300, true);
    subscribe(device, "public/h/t", 1);
    awaitKnown(nodes.c, "a", "public/h/t");
    device.close();
    MqttServer.awaitOffline(nodes.a, "dev-homeless");
    ((MqttStore) MqttServer.broker(nodes.a).store()).flush().get(10, TimeUnit.SECONDS);
    nodes.bus.pause("b");
    nodes.bus.kill("a");
    nodes.a.close();
    nodes.a = null;
    nodes.time.advance(ClusterMessageRouter.SWEEP_PERIOD);

    RawClient pub = nodes.client(nodes.c, "h-pub", 300, true);
    pub.send(new MqttPacket.Publish("public/h/t", 1, false, 1, "h1".getBytes()));
    await().atMost(WAIT).until(() -> router(nodes.c).awaitingConfirms() == 1);
    nodes.time.advance(Duration.ofSeconds(5)); // mqtt.cluster.confirm-timeout
    MqttPacket reply = pub.read();
    assertThat(reply).isInstanceOf(MqttPacket.Disconnect.class);
    assertThat(((MqttPacket.Disconnect) reply).reasonCode()).isEqualTo(ReasonCode.UNSPECIFIED_ERROR);

    nodes.bus.resume("b");
    await().atMost(WAIT).until(() -> MqttServer.broker(nodes.b).session("dev-homeless") != null);
    dropDeadFilters(nodes.c, "public/h/t");
    awaitKnown(nodes.c, "b", "public/h/t");
    RawClient again = nodes.unconnected(nodes.c);
    assertThat(connect(again, "h-pub", 300, false, null).sessionPresent()).isTrue();
    publishQos1(again, 1, "public/h/t", "h1");
    RawClient back = nodes.unconnected(nodes.b);
    assertThat(connect(back, "dev-homeless", 300, false, null).sessionPresent()).isTrue();
    expectPublish(back, "h1");
  }

  @Test
  void whatIsPublishedWhileASessionMovesToAnotherNodeIsNotAcknowledged() throws Exception {
    String topic = "public/mv/t";
    RawClient device = subscribedOnA("dev-moving", topic);
    RawClient pubA = nodes.client(nodes.a, "mv-pub-a", 300, true);
    RawClient pubB = nodes.client(nodes.b, "mv-pub-b", 300, true);
    // a lets the session go; b does not hear so yet, so it has not loaded it.
    nodes.bus.withhold("b", ClusterSessionDirectory.HANDED);
    RawClient moved = nodes.unconnected(nodes.b);
    moved.send(new MqttPacket.Connect(MqttVersion.V5, false, 60, new Properties(), "dev-moving", null, null, null));
    assertThat(device.readUntilClosed()).isEqualTo(new MqttPacket.Disconnect(ReasonCode.SESSION_TAKEN_OVER,
        Properties.NONE));
    await().atMost(WAIT).until(() -> MqttServer.broker(nodes.a).session("dev-moving") == null);

    // Published on a, and on b (a copy to a, which a does not confirm): neither is acknowledged.
    pubA.send(new MqttPacket.Publish(topic, 1, false, 1, "from-a".getBytes()));
    expectNotAcknowledged(pubA);
    pubB.send(new MqttPacket.Publish(topic, 1, false, 1, "from-b".getBytes()));
    await().atMost(WAIT).until(() -> router(nodes.b).awaitingConfirms() == 1);
    nodes.time.advance(Duration.ofSeconds(5)); // mqtt.cluster.confirm-timeout
    expectNotAcknowledged(pubB);

    nodes.bus.deliverWithheld("b", ClusterSessionDirectory.HANDED);
    assertThat(((MqttPacket.ConnAck) moved.read()).sessionPresent()).isTrue();
    await().atMost(WAIT).until(() -> !router(nodes.a).keptForHanded(topic));
    awaitKnown(nodes.a, "b", topic);
    // The publishers send again and are acknowledged; the session on b gets both.
    for (String[] again : new String[][] {{"mv-pub-a", "from-a"}, {"mv-pub-b", "from-b"}}) {
      RawClient pub = nodes.unconnected(again[0].endsWith("a") ? nodes.a : nodes.b);
      assertThat(connect(pub, again[0], 300, false, null).sessionPresent()).isTrue();
      publishQos1(pub, 1, topic, again[1]);
    }
    expectPublish(moved, "from-a");
    expectPublish(moved, "from-b");
  }

  @Test
  void theWaitOfAnEarlierHandoverDoesNotEndTheKeepingOfALaterOne() throws Exception {
    String topic = "public/mv2/t";
    subscribedOnA("dev-back-forth", topic);
    // To b (a keeps the filters until b took the session; its wait ends 10 s from now), and back.
    RawClient onB = nodes.unconnected(nodes.b);
    assertThat(connect(onB, "dev-back-forth", 300, false, null).sessionPresent()).isTrue();
    await().atMost(WAIT).until(() -> !router(nodes.a).keptForHanded(topic));
    RawClient onA = nodes.unconnected(nodes.a);
    assertThat(connect(onA, "dev-back-forth", 300, false, null).sessionPresent()).isTrue();
    awaitKnown(nodes.b, "a", topic);
    nodes.time.advance(Duration.ofSeconds(6));

    // To b once more, and b does not hear that a let it go: a keeps its filters again.
    nodes.bus.withhold("b", ClusterSessionDirectory.HANDED);
    RawClient again = nodes.unconnected(nodes.b);
    again.send(new MqttPacket.Connect(MqttVersion.V5, false, 60, new Properties(), "dev-back-forth", null, null,
        null));
    onA.readUntilClosed();
    await().atMost(WAIT).until(() -> router(nodes.a).keptForHanded(topic));
    // The first handover's wait ends; the second's has 6 s to go (and b's claim 1 s).
    nodes.time.advance(Duration.ofSeconds(4));

    assertThat(router(nodes.a).keptForHanded(topic)).isTrue();
    RawClient pub = nodes.client(nodes.a, "mv2-pub", 300, true);
    pub.send(new MqttPacket.Publish(topic, 1, false, 1, "late".getBytes()));
    expectNotAcknowledged(pub);

    // b takes the session but a never hears so: a stops keeping the filters when the second wait ends.
    nodes.bus.withhold("a", ClusterSessionDirectory.TOOK);
    nodes.bus.deliverWithheld("b", ClusterSessionDirectory.HANDED);
    await().atMost(WAIT).until(() -> MqttServer.broker(nodes.b).session("dev-back-forth") != null);
    nodes.time.advance(Duration.ofSeconds(6));
    assertThat(router(nodes.a).keptForHanded(topic)).isFalse();
  }

  @Test
  void theSessionsOfADrainedNodeAreHandedOffAndQueueWhatIsPublishedUntilTheirClientReturns() throws Exception {
    // A client id may hold a line break: the hand-off keeps it whole.
    offlineOnAWithTwoQueued(DRAINED, "public/dr/t", "r1", "r2");

    // Node a stops on purpose: it drains, hands its sessions to b, then leaves the cluster.
    nodes.a.close();
    nodes.a = null;
    await().atMost(WAIT).until(() -> MqttServer.broker(nodes.b).session(DRAINED) != null);
    assertThat(nodes.bus.held(ClusterSessionDirectory.key(DRAINED))).extracting(NodeBus.Held::node)
        .containsExactly("b");
    nodes.bus.kill("a");
    dropDeadFilters(nodes.b, "public/dr/t");
    publishQos1(nodes.client(nodes.b, "dr-pub"), 1, "public/dr/t", "r3");
    await().atMost(WAIT).until(() -> MqttServer.broker(nodes.b).session(DRAINED).queued() == 3);

    RawClient back = nodes.unconnected(nodes.b);
    assertThat(connect(back, DRAINED, 300, false, null).sessionPresent()).isTrue();
    for (String m : new String[] {"r1", "r2", "r3"}) {
      back.send(new MqttPacket.PubReply(PacketType.PUBACK, expectPublish(back, m).packetId()));
    }
  }

  @Test
  void aDeadNodesSessionWhoseClaimFailedWhileRedisWasAwayIsTakenOnWhenItIsBack() throws Exception {
    offlineOnAWithTwoQueued("dev-cut", "public/cut/t", "k1", "k2");
    ((MqttStore) MqttServer.broker(nodes.a).store()).flush().get(10, TimeUnit.SECONDS);
    nodes.bus.cut();
    nodes.bus.kill("a");
    nodes.a.close();
    nodes.a = null;
    await().atMost(WAIT).until(() -> ClusterNodes.directory(nodes.b).waitsToClaim("dev-cut"));
    assertThat(MqttServer.broker(nodes.b).session("dev-cut")).isNull();

    nodes.bus.heal();
    await().atMost(WAIT).until(() -> MqttServer.broker(nodes.b).session("dev-cut") != null);
    assertThat(nodes.bus.held(ClusterSessionDirectory.key("dev-cut"))).extracting(h -> h.node() + "/" + h.field())
        .containsExactly("b/s");
    RawClient back = nodes.unconnected(nodes.b);
    assertThat(connect(back, "dev-cut", 300, false, null).sessionPresent()).isTrue();
    for (String m : new String[] {"k1", "k2"}) {
      back.send(new MqttPacket.PubReply(PacketType.PUBACK, expectPublish(back, m).packetId()));
    }
  }

  /**
   * Node a drains and passes its session on to b, which dies before the hand-off message reached
   * it: the bus kept the session as b's, pending, so c, the node that finds b gone, takes it on.
   */
  @Test
  void aDrainedNodesSessionIsTakenOnByTheNextNodeWhenItsTakerDiesBeforeActing() throws Exception {
    nodes.c = nodes.node("c");
    offlineOnAWithTwoQueued("dev-passed", "public/ps/t", "p1", "p2");
    nodes.bus.withhold("b", ClusterSessionDirectory.HAND_OFF);
    nodes.a.close();
    nodes.a = null;
    assertThat(nodes.bus.held(ClusterSessionDirectory.key("dev-passed"))).extracting(h -> h.node() + "/" + h.field())
        .containsExactly("b/\0s");
    nodes.bus.kill("a");
    nodes.bus.kill("b");
    nodes.b.close();
    nodes.b = null;

    queuedAndDeliveredOnC("dev-passed", "public/ps/t", "p3", "p1", "p2");
  }

  @Test
  void aDrainedNodesSessionsAreSharedOutAmongTheOtherNodes() throws Exception {
    nodes.c = nodes.node("c");
    for (String id : List.of("dev-share-1", "dev-share-2")) {
      RawClient device = nodes.client(nodes.a, id, 300, true);
      subscribe(device, "public/share-out/" + id, 1);
      device.close();
      MqttServer.awaitOffline(nodes.a, id);
    }

    nodes.a.close();
    nodes.a = null;

    await().atMost(WAIT).until(() -> held("dev-share-1") != null && held("dev-share-2") != null);
    assertThat(List.of(held("dev-share-1"), held("dev-share-2"))).containsExactlyInAnyOrder("b", "c");
  }

  /** The node that holds the session of {@code clientId} on the bus and has it in its broker; null if none. */
  private String held(String clientId) {
    List<NodeBus.Held> holders = nodes.bus.held(ClusterSessionDirectory.key(clientId));
    if (holders.size() != 1) {
      return null;
    }
    String node = holders.get(0).node();
    TestKernel k = node.equals("b") ? nodes.b : node.equals("c") ? nodes.c : null;
    return k != null && MqttServer.broker(k).session(clientId) != null ? node : null;
  }

  @Test
  void aTakenOnSessionIsHandedToItsClientConnectingOnAnotherNode() throws Exception {
    nodes.c = nodes.node("c");
    RawClient device = nodes.client(nodes.a, "dev-moved", 300, true);
    subscribe(device, "public/m/t", 1);
    device.close();
    MqttServer.awaitOffline(nodes.a, "dev-moved");
    ((MqttStore) MqttServer.broker(nodes.a).store()).flush().get(10, TimeUnit.SECONDS);
    nodes.bus.kill("a");
    nodes.a.close();
    nodes.a = null;
    await().atMost(WAIT).until(() -> MqttServer.broker(nodes.b).session("dev-moved") != null);
    assertThat(MqttServer.broker(nodes.c).session("dev-moved")).isNull(); // one node takes it on, not two
    dropDeadFilters(nodes.c, "public/m/t");
    awaitKnown(nodes.c, "b", "public/m/t");
    publishQos1(nodes.client(nodes.c, "m-pub"), 1, "public/m/t", "m1");
    await().atMost(WAIT).until(() -> MqttServer.broker(nodes.b).session("dev-moved").queued() == 1);

    RawClient back = nodes.unconnected(nodes.c);
    assertThat(connect(back, "dev-moved", 300, false, null).sessionPresent()).isTrue();
    expectPublish(back, "m1");
    await().atMost(WAIT).until(() -> MqttServer.broker(nodes.b).session("dev-moved") == null);
  }

  @Test
  void aNodeStartingLeavesTheSessionsOfTheOthersInTheStore() throws IOException {
    RawClient device = nodes.client(nodes.a, "dev-kept", 300, true);
    subscribe(device, "public/k/t", 1);
    device.close();
    MqttServer.awaitOffline(nodes.a, "dev-kept");
    MqttServer.broker(nodes.a).session("dev-kept").home().submit(() -> { }).syncUninterruptibly();
    nodes.b.close();
    nodes.b = nodes.node("b");
    assertThat(MqttServer.broker(nodes.b).sessions()).isEmpty();
    assertThat(MqttServer.broker(nodes.a).session("dev-kept")).isNotNull();
  }

  private static MqttPacket.Will will(long delaySeconds) {
    return new MqttPacket.Will("public/will/dev", "gone".getBytes(), 0, false, MessageProps.NONE, delaySeconds);
  }

  /** A client on b subscribed to the will topic, known to a. */
  private RawClient watcher() throws IOException {
    RawClient watcher = nodes.client(nodes.b, "watcher");
    subscribe(watcher, "public/will/#", 0);
    awaitKnown(nodes.a, "b", "public/will/#");
    return watcher;
  }

  /** A persistent session on a with a will delayed 60 s and one subscription. */
  private RawClient withDelayedWill(String clientId) throws IOException {
    RawClient old = nodes.unconnected(nodes.a);
    assertThat(connect(old, clientId, 300, true, will(60)).reasonCode()).isZero();
    subscribe(old, "public/t/" + clientId, 1);
    return old;
  }

  @Test
  void connectionOnAnotherNodeTakesOverAndADelayedWillStaysUnsentWhileTheSessionGoesOn() throws IOException {
    RawClient watcher = watcher();
    RawClient old = withDelayedWill("dev-2");

    RawClient fresh = nodes.unconnected(nodes.b);
    assertThat(connect(fresh, "dev-2", 300, false, null).sessionPresent()).isTrue();
    assertThat(old.readUntilClosed()).isEqualTo(new MqttPacket.Disconnect(ReasonCode.SESSION_TAKEN_OVER,
        Properties.NONE));
    watcher.assertNothingMoreBeforePing();
    assertThat(MqttServer.broker(nodes.a).session("dev-2")).isNull();
    assertThat(MqttServer.broker(nodes.b).session("dev-2").subscriptions()).hasSize(1);
  }

  @Test
  void cleanStartOnAnotherNodeEndsTheSessionThereAndItsWillGoesOut() throws IOException {
    RawClient watcher = watcher();
    RawClient old = withDelayedWill("dev-3");

    RawClient fresh = nodes.unconnected(nodes.b);
    assertThat(connect(fresh, "dev-3", 300, true, null).sessionPresent()).isFalse();
    assertThat(old.readUntilClosed()).isEqualTo(new MqttPacket.Disconnect(ReasonCode.SESSION_TAKEN_OVER,
        Properties.NONE));
    expectPublish(watcher, "gone");
    assertThat(MqttServer.broker(nodes.b).session("dev-3").subscriptions()).isEmpty();
  }

  @Test
  void withoutAnAnswerTheNewNodeWaitsOnlyUntilItsTimeout() throws IOException {
    RawClient device = nodes.client(nodes.a, "dev-4", 300, true);
    subscribe(device, "public/t4", 1);
    device.close();
    MqttServer.awaitOffline(nodes.a, "dev-4");
    MqttServer.broker(nodes.a).session("dev-4").home().submit(() -> { }).syncUninterruptibly();
    // Node a stops answering but its entry stays (as when it hangs).
    nodes.bus.node("a").listen(ClusterSessionDirectory.HANDOVER, (from, payload) -> { });

    RawClient back = nodes.unconnected(nodes.b);
    back.send(new MqttPacket.Connect(5, false, 60, expiry(300), "dev-4", null, null, null));
    ClusterSessionDirectory directory = nodes.b.kernel().context().services()
        .first(ClusterSessionDirectory.class).orElseThrow();
    await().atMost(WAIT).until(() -> directory.awaiting("dev-4"));
    nodes.time.advance(ClusterSessionDirectory.ANSWER_WAIT.minusMillis(1));
    assertThat(directory.awaiting("dev-4")).isTrue();
    nodes.time.advance(Duration.ofMillis(1));
    MqttPacket.ConnAck ack = (MqttPacket.ConnAck) back.read();
    assertThat(ack.sessionPresent()).isTrue();
  }

  private static Properties expiry(long seconds) {
    Properties p = new Properties();
    p.sessionExpiryInterval = seconds;
    return p;
  }
}
