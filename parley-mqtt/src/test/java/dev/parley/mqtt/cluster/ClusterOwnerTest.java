package dev.parley.mqtt.cluster;

import static dev.parley.mqtt.cluster.ClusterNodes.subscribe;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.core.cluster.NodeBus;
import dev.parley.core.testing.TestKernel;
import dev.parley.mqtt.codec.MqttPacket;
import dev.parley.mqtt.codec.MqttVersion;
import dev.parley.mqtt.codec.Properties;
import dev.parley.mqtt.codec.ReasonCode;
import dev.parley.mqtt.it.MqttServer;
import dev.parley.mqtt.it.RawClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A client id is not a credential across nodes either: a connection of another user with the
 * client id of a session held on the same node, on another node, or stored with no node holding
 * it, is refused (0x87), and the session stays its owner's.
 */
class ClusterOwnerTest extends TwoNodeTest {
  private static final String ID = "laptop-1";

  /** Connects as {@code user} (a token minted on {@code k}) with a persistent session of {@link #ID}; gives the CONNACK. */
  private MqttPacket.ConnAck connectAs(RawClient c, TestKernel k, String user) throws IOException {
    Properties p = new Properties();
    p.sessionExpiryInterval = 300L;
    c.send(new MqttPacket.Connect(MqttVersion.V5, false, 60, p, ID, null, user,
        k.token(user).getBytes(StandardCharsets.UTF_8)));
    return (MqttPacket.ConnAck) c.read();
  }

  /** Alice connected on node a with {@link #ID}, subscribed to one filter. */
  private RawClient aliceOnA() throws IOException {
    RawClient alice = nodes.unconnected(nodes.a);
    assertThat(connectAs(alice, nodes.a, "alice").reasonCode()).isZero();
    subscribe(alice, "public/own/t", 1);
    return alice;
  }

  /** Alice's connection on node a is still up, her session with its filter. */
  private static void stillHers(RawClient alice, TestKernel a) throws IOException {
    alice.send(MqttPacket.PingReq.INSTANCE);
    assertThat(alice.read()).isEqualTo(MqttPacket.PingResp.INSTANCE);
    assertThat(MqttServer.broker(a).session(ID).subscriptions()).hasSize(1);
  }

  @Test
  void anotherUsersConnectionDoesNotTakeASessionHeldOnTheSameNode() throws IOException {
    RawClient alice = aliceOnA();

    MqttPacket.ConnAck refused = connectAs(nodes.unconnected(nodes.a), nodes.a, "mallory");

    assertThat(refused.reasonCode()).isEqualTo(ReasonCode.NOT_AUTHORIZED);
    stillHers(alice, nodes.a);
  }

  @Test
  void anotherUsersConnectionDoesNotTakeASessionHeldOnAnotherNode() throws IOException {
    RawClient alice = aliceOnA();

    MqttPacket.ConnAck refused = connectAs(nodes.unconnected(nodes.b), nodes.b, "mallory");

    assertThat(refused.reasonCode()).isEqualTo(ReasonCode.NOT_AUTHORIZED);
    stillHers(alice, nodes.a);
    assertThat(MqttServer.broker(nodes.b).session(ID)).isNull();
    await().atMost(WAIT).until(() -> nodes.bus.held(ClusterSessionDirectory.key(ID)).stream()
        .map(NodeBus.Held::node).toList().equals(List.of("a")));
  }

  @Test
  void anotherUsersConnectionDoesNotTakeAStoredSessionNoNodeHolds() throws Exception {
    RawClient alice = aliceOnA();
    alice.close();
    MqttServer.awaitOffline(nodes.a, ID);
    // Every node stops; the last keeps the session in the store for whichever node starts next.
    nodes.b.close();
    nodes.b = null;
    nodes.bus.kill("b");
    nodes.a.close();
    nodes.a = null;
    nodes.bus.kill("a");
    nodes.c = nodes.node("c");

    assertThat(connectAs(nodes.unconnected(nodes.c), nodes.c, "mallory").reasonCode())
        .isEqualTo(ReasonCode.NOT_AUTHORIZED);
    MqttPacket.ConnAck back = connectAs(nodes.unconnected(nodes.c), nodes.c, "alice");

    assertThat(back.reasonCode()).isZero();
    assertThat(back.sessionPresent()).isTrue();
    assertThat(MqttServer.broker(nodes.c).session(ID).subscriptions()).hasSize(1);
  }
}
