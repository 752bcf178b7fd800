package dev.parley.mqtt.cluster;

import static dev.parley.mqtt.cluster.ClusterNodes.connect;
import static dev.parley.mqtt.cluster.ClusterNodes.expectPublish;
import static dev.parley.mqtt.cluster.ClusterNodes.router;
import static dev.parley.mqtt.cluster.ClusterNodes.subscribe;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.core.testing.TestKernel;
import dev.parley.mqtt.codec.MessageProps;
import dev.parley.mqtt.codec.MqttPacket;
import dev.parley.mqtt.codec.PacketType;
import dev.parley.mqtt.codec.ReasonCode;
import dev.parley.mqtt.it.RawClient;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A QoS 2 publish whose PUBREC was held back because a node did not confirm its copies is routed
 * again when the client resends it, wherever it resends: the node that lost its copy gets it, and
 * the nodes that stored theirs the first time do not store them twice.
 */
class ClusterQos2ResendTest extends TwoNodeTest {
  private static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(5);
  private static final String TOPIC = "public/q2/t";

  /** A persistent QoS 1 subscriber of {@link #TOPIC} on {@code k}, known to {@code other}. */
  private RawClient subscriber(TestKernel k, String id, TestKernel other, String node) throws IOException {
    RawClient sub = nodes.client(k, id, 300, true);
    subscribe(sub, TOPIC, 1);
    await().atMost(WAIT).until(() -> router(other).remoteFilters(node).contains(TOPIC));
    return sub;
  }

  private static MqttPacket.Publish qos(int qos, int packetId, boolean dup, String payload) {
    return new MqttPacket.Publish(TOPIC, qos, false, dup, packetId, MessageProps.NONE, payload.getBytes(), 0,
        MqttPacket.Publish.NO_IDS);
  }

  /** {@code pub} on a publishes QoS 2 packet id 1; the copy for b is not confirmed: no PUBREC, DISCONNECT at the deadline. */
  private void unconfirmed(RawClient pub, String payload) throws IOException {
    pub.send(qos(2, 1, false, payload));
    await().atMost(WAIT).until(() -> router(nodes.a).awaitingConfirms() == 1);
    nodes.time.advance(CONFIRM_TIMEOUT);
    MqttPacket reply = pub.read();
    assertThat(reply).isInstanceOf(MqttPacket.Disconnect.class);
    assertThat(((MqttPacket.Disconnect) reply).reasonCode()).isEqualTo(ReasonCode.UNSPECIFIED_ERROR);
  }

  /** The publisher connects again on {@code k}, resends (DUP) and ends the flow; then publishes {@code marker} at QoS 1. */
  private void resendOn(TestKernel k, String payload, String marker) throws IOException {
    RawClient again = nodes.unconnected(k);
    assertThat(connect(again, "pub", 300, false, null).sessionPresent()).isTrue();
    again.send(qos(2, 1, true, payload));
    assertThat(again.read()).isEqualTo(new MqttPacket.PubReply(PacketType.PUBREC, 1));
    again.send(new MqttPacket.PubReply(PacketType.PUBREL, 1));
    assertThat(again.read()).isEqualTo(new MqttPacket.PubReply(PacketType.PUBCOMP, 1));
    again.send(qos(1, 2, false, marker));
    assertThat(again.read()).isEqualTo(new MqttPacket.PubReply(PacketType.PUBACK, 2));
  }

  @Test
  void theResendReachesTheNodeThatLostTheFirstCopy() throws IOException {
    RawClient sub = subscriber(nodes.b, "sub", nodes.a, "b");
    RawClient pub = nodes.client(nodes.a, "pub", 300, true);
    nodes.bus.cut();
    unconfirmed(pub, "lost");
    nodes.bus.heal();
    resendOn(nodes.a, "lost", "after");
    expectPublish(sub, "lost");
    expectPublish(sub, "after");
  }

  @Test
  void aNodeThatStoredTheFirstCopyLateDoesNotStoreTheResendAgain() throws IOException {
    RawClient sub = subscriber(nodes.b, "sub", nodes.a, "b");
    RawClient pub = nodes.client(nodes.a, "pub", 300, true);
    nodes.bus.pause("b");
    unconfirmed(pub, "late");
    nodes.bus.resume("b");
    expectPublish(sub, "late");
    await().atMost(WAIT).until(() -> router(nodes.b).qos2Seen() == 1);
    resendOn(nodes.a, "late", "after");
    // The next message b's subscriber gets is the marker, not the first one again.
    expectPublish(sub, "after");
    assertThat(router(nodes.b).awaitingConfirms()).isZero();
  }

  @Test
  void aResendOnAnotherNodeGivesThePublishingNodesSubscriberNoSecondCopy() throws IOException {
    RawClient onA = subscriber(nodes.a, "sub-a", nodes.b, "a");
    RawClient onB = subscriber(nodes.b, "sub-b", nodes.a, "b");
    RawClient pub = nodes.client(nodes.a, "pub", 300, true);
    nodes.bus.cut();
    unconfirmed(pub, "moved");
    expectPublish(onA, "moved");
    await().atMost(WAIT).until(() -> router(nodes.a).qos2Seen() == 1);
    nodes.bus.heal();
    resendOn(nodes.b, "moved", "after");
    expectPublish(onB, "moved");
    expectPublish(onB, "after");
    expectPublish(onA, "after");
  }

  @Test
  void aNewMessageWithTheSameIdIsNotTakenForAResend() throws IOException {
    RawClient sub = subscriber(nodes.b, "sub", nodes.a, "b");
    RawClient pub = nodes.client(nodes.a, "pub", 300, true);
    pub.send(qos(2, 1, false, "first"));
    assertThat(pub.read()).isEqualTo(new MqttPacket.PubReply(PacketType.PUBREC, 1));
    pub.send(new MqttPacket.PubReply(PacketType.PUBREL, 1));
    assertThat(pub.read()).isEqualTo(new MqttPacket.PubReply(PacketType.PUBCOMP, 1));
    expectPublish(sub, "first");
    await().atMost(WAIT).until(() -> router(nodes.b).qos2Seen() == 1);
    nodes.bus.cut();
    unconfirmed(pub, "second");
    nodes.bus.heal();
    resendOn(nodes.a, "second", "after");
    expectPublish(sub, "second");
    expectPublish(sub, "after");
  }
}
