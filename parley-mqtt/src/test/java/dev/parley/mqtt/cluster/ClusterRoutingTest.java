package dev.parley.mqtt.cluster;

import static dev.parley.mqtt.cluster.ClusterNodes.expectPublish;
import static dev.parley.mqtt.cluster.ClusterNodes.publish;
import static dev.parley.mqtt.cluster.ClusterNodes.publishRetained;
import static dev.parley.mqtt.cluster.ClusterNodes.router;
import static dev.parley.mqtt.cluster.ClusterNodes.subscribe;
import static dev.parley.mqtt.cluster.ClusterNodes.unsubscribe;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.core.testing.TestKernel;
import dev.parley.mqtt.codec.MessageProps;
import dev.parley.mqtt.codec.MqttPacket;
import dev.parley.mqtt.codec.PacketType;
import dev.parley.mqtt.it.MqttServer;
import dev.parley.mqtt.it.RawClient;
import java.io.IOException;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Publish/subscribe across two nodes on one PostgreSQL database and an in-memory bus: every QoS
 * once, the other node's filters as they change (wildcards too), retained messages set and
 * cleared on one node and seen on the other, and all of it right again after the bus was cut.
 *
 * <p>Exactly once is read on the wire: after the messages under test the publisher sends a
 * marker; one connection's publishes cross the bus in order, so anything the subscriber gets
 * between the last message and the marker is a duplicate.
 */
class ClusterRoutingTest extends TwoNodeTest {
  private void awaitKnown(String filter) {
    await().atMost(WAIT).until(() -> router(nodes.a).remoteFilters("b").contains(filter));
  }

  @Test
  void publishAtEveryQosOnOneNodeReachesSubscriberOnTheOtherExactlyOnce() throws IOException {
    RawClient sub = nodes.client(nodes.b, "sub");
    subscribe(sub, "public/c/x", 2);
    awaitKnown("public/c/x");
    RawClient pub = nodes.client(nodes.a, "pub");

    publish(pub, "public/c/x", "q0");
    pub.send(new MqttPacket.Publish("public/c/x", 1, false, 1, "q1".getBytes()));
    assertThat(pub.read()).isEqualTo(new MqttPacket.PubReply(PacketType.PUBACK, 1));
    pub.send(new MqttPacket.Publish("public/c/x", 2, false, 2, "q2".getBytes()));
    assertThat(pub.read()).isEqualTo(new MqttPacket.PubReply(PacketType.PUBREC, 2));
    // A resend of the QoS 2 PUBLISH before PUBREL is the same message: not routed again.
    pub.send(new MqttPacket.Publish("public/c/x", 2, false, true, 2, MessageProps.NONE, "q2".getBytes(), 0,
        MqttPacket.Publish.NO_IDS));
    assertThat(pub.read()).isEqualTo(new MqttPacket.PubReply(PacketType.PUBREC, 2));
    pub.send(new MqttPacket.PubReply(PacketType.PUBREL, 2));
    assertThat(pub.read()).isEqualTo(new MqttPacket.PubReply(PacketType.PUBCOMP, 2));
    publish(pub, "public/c/x", "end");

    assertThat(expectPublish(sub, "q0").qos()).isZero();
    MqttPacket.Publish q1 = expectPublish(sub, "q1");
    assertThat(q1.qos()).isEqualTo(1);
    MqttPacket.Publish q2 = expectPublish(sub, "q2");
    assertThat(q2.qos()).isEqualTo(2);
    expectPublish(sub, "end");
    sub.send(new MqttPacket.PubReply(PacketType.PUBACK, q1.packetId()));
    sub.send(new MqttPacket.PubReply(PacketType.PUBREC, q2.packetId()));
    assertThat(sub.read()).isEqualTo(new MqttPacket.PubReply(PacketType.PUBREL, q2.packetId()));
    sub.send(new MqttPacket.PubReply(PacketType.PUBCOMP, q2.packetId()));
    sub.assertNothingMoreBeforePing();
  }

  @Test
  void wildcardFiltersOnTheOtherNodeMatchAndOverlappingOnesGiveOneCopy() throws IOException {
    RawClient sub = nodes.client(nodes.b, "wild");
    subscribe(sub, "public/w/+/temp", 1);
    subscribe(sub, "public/w/#", 1);
    awaitKnown("public/w/+/temp");
    awaitKnown("public/w/#");
    RawClient local = nodes.client(nodes.a, "local");
    subscribe(local, "public/w/#", 0);
    RawClient pub = nodes.client(nodes.a, "wild-pub");

    publish(pub, "public/w/1/temp", "both");
    publish(pub, "public/w/2/hum", "multi");
    publish(pub, "public/other", "nobody");
    publish(pub, "public/w/end", "end");

    expectPublish(sub, "both");
    expectPublish(sub, "multi");
    expectPublish(sub, "end");
    expectPublish(local, "both");
    expectPublish(local, "multi");
    expectPublish(local, "end");
  }

  @Test
  void subscribeAndUnsubscribeOnOneNodeAreSeenByTheOther() throws IOException {
    RawClient first = nodes.client(nodes.b, "s1");
    RawClient second = nodes.client(nodes.b, "s2");
    subscribe(first, "public/s/t", 0);
    subscribe(second, "public/s/t", 0);
    subscribe(first, "public/s/marker", 0);
    awaitKnown("public/s/t");
    awaitKnown("public/s/marker");

    // One of two subscribers on b leaves: a still sends b the topic.
    unsubscribe(second, "public/s/t");
    RawClient pub = nodes.client(nodes.a, "s-pub");
    publish(pub, "public/s/t", "still");
    expectPublish(first, "still");

    unsubscribe(first, "public/s/t");
    await().atMost(WAIT).until(() -> !router(nodes.a).remoteFilters("b").contains("public/s/t"));
    assertThat(router(nodes.a).remoteFilters("b")).containsExactly("public/s/marker");
    publish(pub, "public/s/t", "gone");
    publish(pub, "public/s/marker", "end");
    expectPublish(first, "end");

    // A client that closes takes its filters with it.
    first.close();
    await().atMost(WAIT).until(() -> router(nodes.a).remoteFilters("b").isEmpty());
  }

  @Test
  void retainedMessageSetOnOneNodeReachesNewSubscriberOnTheOtherAndClearsOnBoth() throws IOException {
    RawClient pub = nodes.client(nodes.a, "r-pub");
    publishRetained(pub, "public/r/1", "on");
    await().atMost(WAIT).until(() -> MqttServer.broker(nodes.b).retained().get("public/r/1") != null);

    RawClient sub = nodes.client(nodes.b, "r-sub");
    subscribe(sub, "public/r/#", 1);
    MqttPacket.Publish got = expectPublish(sub, "on");
    assertThat(got.retain()).isTrue();
    sub.send(new MqttPacket.PubReply(PacketType.PUBACK, got.packetId()));
    awaitKnown("public/r/#");

    publishRetained(pub, "public/r/1", "");
    // The clear is routed too (retain set, empty payload), then forgotten on both nodes.
    assertThat(expectPublish(sub, "").payload()).isEmpty();
    await().atMost(WAIT).until(() -> MqttServer.broker(nodes.b).retained().get("public/r/1") == null);
    assertThat(MqttServer.broker(nodes.a).retained().get("public/r/1")).isNull();
    for (TestKernel k : new TestKernel[] {nodes.a, nodes.b}) {
      RawClient late = nodes.client(k, "r-late-" + k.port("mqtt"));
      subscribe(late, "public/r/#", 1);
      late.assertNothingMoreBeforePing();
    }
  }

  @Test
  void afterTheBusWasCutTheOtherNodesFiltersAndRetainedMessagesAreRightAgain() throws IOException {
    RawClient sub = nodes.client(nodes.b, "cut-sub");
    subscribe(sub, "public/cut/old", 0);
    awaitKnown("public/cut/old");
    RawClient pub = nodes.client(nodes.a, "cut-pub");
    publishRetained(pub, "public/cut/kept", "before");
    await().atMost(WAIT).until(() -> MqttServer.broker(nodes.b).retained().get("public/cut/kept") != null);

    nodes.bus.cut();
    subscribe(sub, "public/cut/new", 0);
    unsubscribe(sub, "public/cut/old");
    publishRetained(pub, "public/cut/kept", "");
    publishRetained(pub, "public/cut/set", "during");
    assertThat(router(nodes.a).remoteFilters("b")).containsExactly("public/cut/old");
    assertThat(MqttServer.broker(nodes.b).retained().get("public/cut/kept")).isNotNull();

    nodes.bus.heal();
    await().atMost(WAIT).until(() -> router(nodes.a).remoteFilters("b").equals(Set.of("public/cut/new")));
    await().atMost(WAIT).until(() -> MqttServer.broker(nodes.b).retained().get("public/cut/set") != null);
    assertThat(MqttServer.broker(nodes.b).retained().get("public/cut/kept")).isNull();
    publish(pub, "public/cut/new", "after");
    expectPublish(sub, "after");
  }
}
