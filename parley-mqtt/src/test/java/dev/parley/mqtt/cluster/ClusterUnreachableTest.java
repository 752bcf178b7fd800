package dev.parley.mqtt.cluster;

import static dev.parley.mqtt.cluster.ClusterNodes.connect;
import static dev.parley.mqtt.cluster.ClusterNodes.subscribe;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.mqtt.codec.MqttPacket;
import dev.parley.mqtt.codec.ReasonCode;
import dev.parley.mqtt.it.MqttServer;
import dev.parley.mqtt.it.RawClient;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * While the shared state is away a node cannot tell whether another node holds a client id: a
 * connection whose session is not held on its node is refused with 0x88 (Server unavailable), so
 * that two nodes never build one client id's session side by side; a session held on the node it
 * connects to is taken as ever, and once the shared state is back every client id connects.
 */
class ClusterUnreachableTest extends TwoNodeTest {
  @Test
  void aClientIdNotHeldHereIsRefusedWhileTheSharedStateIsAway_oneHeldHereIsTakenAsEver() throws IOException {
    RawClient first = nodes.client(nodes.a, "meter-7", 300, false);
    subscribe(first, "public/meter/7", 1);
    first.close();
    MqttServer.awaitOffline(nodes.a, "meter-7");

    nodes.bus.cut();
    MqttPacket.ConnAck elsewhere = connect(nodes.unconnected(nodes.b), "meter-7", 300, false, null);
    assertThat(elsewhere.reasonCode()).isEqualTo(ReasonCode.SERVER_UNAVAILABLE);
    assertThat(elsewhere.props().reasonString).contains("meter-7").contains("connect again");
    assertThat(MqttServer.broker(nodes.b).session("meter-7")).isNull();
    assertThat(connect(nodes.unconnected(nodes.b), "meter-8", 0, true, null).reasonCode())
        .isEqualTo(ReasonCode.SERVER_UNAVAILABLE);

    MqttPacket.ConnAck here = connect(nodes.unconnected(nodes.a), "meter-7", 300, false, null);
    assertThat(here.reasonCode()).isZero();
    assertThat(here.sessionPresent()).isTrue();
    assertThat(MqttServer.broker(nodes.a).session("meter-7").subscriptions()).hasSize(1);

    nodes.bus.heal();
    await().atMost(WAIT).until(() -> connect(nodes.unconnected(nodes.b), "meter-8", 0, true, null).reasonCode() == 0);
  }
}
