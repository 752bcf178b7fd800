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
 * A QoS 1 PUBACK waits for every node the publish went to to confirm it stored its subscribers'
 * copies; without the confirm in time (node stuck or dead, bus away) the publisher is disconnected
 * unacknowledged and its resent PUBLISH gets through. A node running again under its id confirms
 * nothing for a while (the others may still route by its last run's filters).
 */
class ClusterConfirmTest extends TwoNodeTest {
  private static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(5);

  /** A persistent subscriber on b of {@code topic} at QoS 1, known to a. */
  private RawClient subscriberOnB(String topic) throws IOException {
    RawClient sub = nodes.client(nodes.b, "sub", 300, true);
    subscribe(sub, topic, 1);
    await().atMost(WAIT).until(() -> router(nodes.a).remoteFilters("b").contains(topic));
    return sub;
  }

  private static MqttPacket.Publish qos1(String topic, int packetId, boolean dup, String payload) {
    return new MqttPacket.Publish(topic, 1, false, dup, packetId, MessageProps.NONE, payload.getBytes(), 0,
        MqttPacket.Publish.NO_IDS);
  }

  /** Publishes from a while b's copy is not confirmed: no PUBACK, DISCONNECT 0x80 at the deadline. */
  private RawClient publishUnconfirmed(String topic, String payload) throws IOException {
    return publishUnconfirmed(nodes.client(nodes.a, "pub", 300, true), topic, payload);
  }

  private RawClient publishUnconfirmed(RawClient pub, String topic, String payload) throws IOException {
    pub.send(qos1(topic, 1, false, payload));
    await().atMost(WAIT).until(() -> router(nodes.a).awaitingConfirms() == 1);
    nodes.time.advance(CONFIRM_TIMEOUT);
    MqttPacket reply = pub.read();
    assertThat(reply).isInstanceOf(MqttPacket.Disconnect.class);
    assertThat(((MqttPacket.Disconnect) reply).reasonCode()).isEqualTo(ReasonCode.UNSPECIFIED_ERROR);
    return pub;
  }

  /** The publisher comes back and resends (DUP): acknowledged once b confirms. */
  private void resend(String topic, String payload) throws IOException {
    RawClient again = nodes.unconnected(nodes.a);
    assertThat(connect(again, "pub", 300, false, null).sessionPresent()).isTrue();
    again.send(qos1(topic, 1, true, payload));
    MqttPacket ack = again.read();
    assertThat(ack.type()).isEqualTo(PacketType.PUBACK);
    assertThat(((MqttPacket.PubReply) ack).packetId()).isEqualTo(1);
  }

  @Test
  void pubackWaitsForTheOtherNodesConfirmAndANodeThatDoesNotConfirmInTimeGetsThePublisherDisconnected()
      throws IOException {
    RawClient sub = subscriberOnB("public/c/t");
    nodes.bus.pause("b");
    publishUnconfirmed("public/c/t", "c1");
    nodes.bus.resume("b");
    // b stored (and delivers) the first copy late; the resent one comes as a duplicate.
    expectPublish(sub, "c1");
    resend("public/c/t", "c1");
    await().atMost(WAIT).until(() -> router(nodes.a).awaitingConfirms() == 0);
  }

  @Test
  void aNodeRunningAgainUnderItsIdRoutesButDoesNotConfirmCopiesForItsFirstGrace() throws IOException {
    RawClient sub = subscriberOnB("public/c/again");
    // As if b had been killed and started again: a may still route by the filters of b's last run.
    router(nodes.b).ranBefore();
    publishUnconfirmed("public/c/again", "r1");
    expectPublish(sub, "r1");

    nodes.time.advance(ClusterMessageRouter.GONE_GRACE);
    resend("public/c/again", "r1");
  }

  @Test
  void aPublishWhileTheBusIsCutIsNotAcknowledgedAndItsResendReachesTheOtherNode() throws IOException {
    RawClient sub = subscriberOnB("public/x/t");
    // Connected first: while the bus is away a client id not held on its node is refused (ClusterUnreachableTest).
    RawClient pub = nodes.client(nodes.a, "pub", 300, true);
    nodes.bus.cut();
    publishUnconfirmed(pub, "public/x/t", "x1");
    nodes.bus.heal();
    // The bus dropped the first copy: the resend is the one b gets.
    resend("public/x/t", "x1");
    expectPublish(sub, "x1");
  }

  @Test
  void aDrainingNodeConfirmsNothingMore() throws IOException {
    subscriberOnB("public/dr/t");
    // b hands its sessions off as it drains: a copy it took in now could reach nobody.
    router(nodes.b).drain();
    publishUnconfirmed("public/dr/t", "d1");
  }

  @Test
  void aConfirmedPublishIsAcknowledgedWithoutWaitingForTheDeadline() throws IOException {
    RawClient sub = subscriberOnB("public/ok/t");
    TestKernel a = nodes.a;
    RawClient pub = nodes.client(a, "pub-ok", 300, true);
    pub.send(qos1("public/ok/t", 7, false, "ok"));
    MqttPacket ack = pub.read();
    assertThat(ack.type()).isEqualTo(PacketType.PUBACK);
    expectPublish(sub, "ok");
    assertThat(router(a).awaitingConfirms()).isZero();
  }
}
