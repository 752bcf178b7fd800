package dev.parley.mqtt.cluster;

import static dev.parley.mqtt.cluster.ClusterNodes.expectPublish;
import static dev.parley.mqtt.cluster.ClusterNodes.publish;
import static dev.parley.mqtt.cluster.ClusterNodes.router;
import static dev.parley.mqtt.cluster.ClusterNodes.subscribe;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.core.testing.TestKernel;
import dev.parley.mqtt.codec.MessageProps;
import dev.parley.mqtt.codec.MqttPacket;
import dev.parley.mqtt.codec.MqttVersion;
import dev.parley.mqtt.codec.PacketType;
import dev.parley.mqtt.codec.Properties;
import dev.parley.mqtt.codec.ReasonCode;
import dev.parley.mqtt.it.MqttServer;
import dev.parley.mqtt.it.PahoCallback;
import dev.parley.mqtt.it.RawClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Shared subscriptions across two nodes: a publish reaches one member of each group in the whole
 * cluster, members on every node get their turn, and a node picked for a group whose members are
 * not connected passes the publish on to a node with a connected one, or queues it for an offline
 * persistent member when no member is connected anywhere; a node gone from the cluster is no longer
 * picked; a member moving to another node is kept in its group until it arrives.
 */
class ClusterSharedTest extends TwoNodeTest {
  private static final String GROUP = "$share/workers/public/jobs/+";
  private final List<MqttClient> paho = new ArrayList<>();

  @AfterEach
  void closePaho() throws MqttException {
    for (MqttClient c : paho) {
      if (c.isConnected()) {
        c.disconnectForcibly(1000);
      }
      c.close();
    }
  }

  /** A Paho MQTT 5 client on node {@code k} in the group, recording the payloads it gets by topic. */
  private MqttClient member(TestKernel k, String id, Map<String, List<String>> got) throws MqttException {
    return client(k, id, got, GROUP);
  }

  /** A Paho MQTT 5 client on node {@code k} subscribed to {@code filter} and the end marker. */
  private MqttClient client(TestKernel k, String id, Map<String, List<String>> got, String filter)
      throws MqttException {
    MqttClient c = new MqttClient(MqttServer.tcp(k), id, new MemoryPersistence());
    paho.add(c);
    c.setCallback(new PahoCallback() {
      @Override
      public void messageArrived(String topic, MqttMessage message) {
        got.computeIfAbsent(topic, t -> new CopyOnWriteArrayList<>())
            .add(id + ":" + new String(message.getPayload(), StandardCharsets.UTF_8));
      }
    });
    MqttConnectionOptions o = new MqttConnectionOptions();
    o.setAutomaticReconnect(false);
    o.setKeepAliveInterval(600);
    c.connect(o);
    c.subscribe(filter, 1);
    c.subscribe("public/jobs-end", 0);
    return c;
  }

  @Test
  void eachPublishReachesOneMemberOfTheGroupAcrossTheClusterAndBothNodesGetSome() throws Exception {
    Map<String, List<String>> got = new ConcurrentHashMap<>();
    member(nodes.a, "a1", got);
    member(nodes.a, "a2", got);
    member(nodes.b, "b1", got);
    member(nodes.b, "b2", got);
    // A plain subscriber on b: b gets every publish for it, and still only its picks for the group.
    Map<String, List<String>> plain = new ConcurrentHashMap<>();
    client(nodes.b, "plain", plain, "public/jobs/#");
    await().atMost(WAIT).until(() -> router(nodes.a).shareMembers(GROUP, "b") == 2
        && router(nodes.b).shareMembers(GROUP, "a") == 2 && router(nodes.a).remoteFilters("b").containsAll(
        List.of("public/jobs-end", "public/jobs/#")));

    MqttClient pub = new MqttClient(MqttServer.tcp(nodes.a), "jobs-pub", new MemoryPersistence());
    paho.add(pub);
    pub.connect();
    for (int i = 0; i < 100; i++) {
      pub.publish("public/jobs/" + (i % 3), ("job-" + i).getBytes(StandardCharsets.UTF_8), 1, false);
    }
    // One connection's publishes cross the bus in order: what comes after the marker is late.
    pub.publish("public/jobs-end", "end".getBytes(StandardCharsets.UTF_8), 0, false);
    await().atMost(WAIT).until(() -> got.getOrDefault("public/jobs-end", List.of()).size() == 4
        && plain.containsKey("public/jobs-end"));
    assertThat(plain.values().stream().mapToInt(List::size).sum()).as("plain subscriber's copies").isEqualTo(101);

    List<String> deliveries = new ArrayList<>();
    got.forEach((topic, list) -> {
      if (topic.startsWith("public/jobs/")) {
        deliveries.addAll(list);
      }
    });
    List<String> jobs = deliveries.stream().map(d -> d.substring(d.indexOf(':') + 1)).sorted().toList();
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      expected.add("job-" + i);
    }
    assertThat(jobs).hasSize(100).containsExactlyInAnyOrderElementsOf(expected);
    long onA = deliveries.stream().filter(d -> d.startsWith("a")).count();
    assertThat(onA).as("deliveries on node a").isBetween(1L, 99L);
    for (String member : List.of("a1", "a2", "b1", "b2")) {
      assertThat(deliveries.stream().filter(d -> d.startsWith(member + ":")).count()).as(member).isPositive();
    }
  }

  @Test
  void aPickedNodeWithoutConnectedMembersPassesThePublishOnElseQueuesItForAnOfflineMember() throws IOException {
    String group = "$share/g/public/pass";
    RawClient offline = nodes.client(nodes.b, "pass-offline", 300, true);
    subscribe(offline, group, 1);
    offline.close();
    MqttServer.awaitOffline(nodes.b, "pass-offline");
    RawClient online = nodes.client(nodes.a, "pass-online");
    subscribe(online, group, 1);
    subscribe(online, "public/pass-end", 0);
    await().atMost(WAIT).until(() -> router(nodes.b).shareMembers(group, "a") == 1
        && router(nodes.a).shareMembers(group, "b") == 1);

    // Published on b, half of them pick b (the offline member): b passes those on to a.
    RawClient pub = nodes.client(nodes.b, "pass-pub");
    for (int i = 0; i < 10; i++) {
      publish(pub, "public/pass", "p" + i);
    }
    List<String> seen = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      seen.add(new String(((MqttPacket.Publish) online.read()).payload(), StandardCharsets.UTF_8));
    }
    assertThat(seen).containsExactlyInAnyOrder("p0", "p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8", "p9");
    assertThat(MqttServer.broker(nodes.b).session("pass-offline").queued()).isZero();

    // No member connected anywhere: the offline member's session queues it, as on one node.
    online.close();
    await().atMost(WAIT).until(() -> router(nodes.b).shareMembers(group, "a") == 0);
    RawClient pubA = nodes.client(nodes.a, "pass-pub-a");
    pubA.send(new MqttPacket.Publish("public/pass", 1, false, 5, "queued".getBytes()));
    assertThat(pubA.read()).isEqualTo(new MqttPacket.PubReply(PacketType.PUBACK, 5));
    await().atMost(WAIT).until(() -> MqttServer.broker(nodes.b).session("pass-offline").queued() == 1);
    RawClient back = nodes.unconnected(nodes.b);
    assertThat(ClusterNodes.connect(back, "pass-offline", 300, false, null).sessionPresent()).isTrue();
    expectPublish(back, "queued");
  }

  @Test
  void aNodeGoneFromTheClusterIsNoLongerPickedForItsGroups() throws IOException {
    String group = "$share/d/public/dead";
    RawClient onA = nodes.client(nodes.a, "dead-a");
    subscribe(onA, group, 0);
    RawClient onB = nodes.client(nodes.b, "dead-b");
    subscribe(onB, group, 0);
    await().atMost(WAIT).until(() -> router(nodes.a).shareMembers(group, "b") == 1);

    nodes.bus.kill("b");
    // The first sweep that finds b gone: its plain filters still route for their grace, its groups pick it no more.
    nodes.time.advance(ClusterMessageRouter.SWEEP_PERIOD);
    await().atMost(WAIT).until(() -> router(nodes.a).shareMembers(group, "b") == 0);
    RawClient pub = nodes.client(nodes.a, "dead-pub");
    for (int i = 0; i < 10; i++) {
      publish(pub, "public/dead", "d" + i);
    }
    for (int i = 0; i < 10; i++) {
      expectPublish(onA, "d" + i);
    }
  }

  @Test
  void aPublishWhileAGroupsOnlyMemberMovesToAnotherNodeIsNotAcknowledgedAndItsResendReachesTheMember()
      throws IOException {
    String group = "$share/mv/public/shmv";
    RawClient member = nodes.client(nodes.a, "sh-moving", 300, true);
    subscribe(member, group, 1);
    await().atMost(WAIT).until(() -> router(nodes.b).shareMembers(group, "a") == 1);
    RawClient pub = nodes.client(nodes.a, "sh-pub", 300, true);
    // a lets the session go; b does not hear so yet, so no node has the member.
    nodes.bus.withhold("b", ClusterSessionDirectory.HANDED);
    RawClient moved = nodes.unconnected(nodes.b);
    moved.send(new MqttPacket.Connect(MqttVersion.V5, false, 60, new Properties(), "sh-moving", null, null, null));
    assertThat(member.readUntilClosed()).isEqualTo(new MqttPacket.Disconnect(ReasonCode.SESSION_TAKEN_OVER,
        Properties.NONE));
    await().atMost(WAIT).until(() -> MqttServer.broker(nodes.a).session("sh-moving") == null);

    pub.send(new MqttPacket.Publish("public/shmv", 1, false, 1, "m1".getBytes()));
    MqttPacket reply = pub.read();
    assertThat(reply).isInstanceOf(MqttPacket.Disconnect.class);
    assertThat(((MqttPacket.Disconnect) reply).reasonCode()).isEqualTo(ReasonCode.UNSPECIFIED_ERROR);

    nodes.bus.deliverWithheld("b", ClusterSessionDirectory.HANDED);
    assertThat(((MqttPacket.ConnAck) moved.read()).sessionPresent()).isTrue();
    // b holds the member now; a no longer counts it.
    await().atMost(WAIT).until(() -> !router(nodes.a).keptForHanded("public/shmv")
        && router(nodes.a).shareMembers(group, "b") == 1 && router(nodes.b).shareMembers(group, "a") == 0
        && router(nodes.a).shareMembers(group, "a") == 0);
    RawClient again = nodes.unconnected(nodes.a);
    assertThat(ClusterNodes.connect(again, "sh-pub", 300, false, null).sessionPresent()).isTrue();
    again.send(new MqttPacket.Publish("public/shmv", 1, false, true, 1, MessageProps.NONE, "m1".getBytes(), 0,
        MqttPacket.Publish.NO_IDS));
    assertThat(again.read()).isEqualTo(new MqttPacket.PubReply(PacketType.PUBACK, 1));
    expectPublish(moved, "m1");
  }
}
