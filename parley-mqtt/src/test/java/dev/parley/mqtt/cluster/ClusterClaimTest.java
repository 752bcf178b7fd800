package dev.parley.mqtt.cluster;

import static dev.parley.mqtt.cluster.ClusterNodes.directory;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.core.cluster.NodeBus;
import dev.parley.mqtt.codec.MqttPacket;
import dev.parley.mqtt.codec.MqttVersion;
import dev.parley.mqtt.codec.Properties;
import dev.parley.mqtt.codec.ReasonCode;
import dev.parley.mqtt.it.MqttServer;
import dev.parley.mqtt.it.RawClient;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Two nodes claiming one client id at the same time end with one session, held by the later
 * claim; the earlier connection is taken over (0x8E). The race is driven step by step: the
 * session is held by a third node whose bus is paused, so both claims are under way together
 * while they wait for its answer; which of the two sees the other is set by the order of their
 * lookups.
 */
class ClusterClaimTest extends TwoNodeTest {
  /** {@code clientId}'s session offline on node c, whose bus is then paused. */
  private void heldByPausedNode(String clientId) throws IOException {
    nodes.c = nodes.node("c");
    RawClient device = nodes.client(nodes.c, clientId, 300, true);
    device.close();
    MqttServer.awaitOffline(nodes.c, clientId);
    nodes.bus.pause("c");
  }

  /** Sends CONNECT for {@code clientId} (persistent, session wanted) and waits until its claim waits for c. */
  private RawClient claimOn(ClusterSessionDirectory directory, int port, String clientId) throws IOException {
    RawClient c = new RawClient(port, MqttVersion.V5);
    Properties p = new Properties();
    p.sessionExpiryInterval = 300L;
    c.send(new MqttPacket.Connect(MqttVersion.V5, false, 60, p, clientId, null, null, null));
    await().atMost(WAIT).until(() -> directory.awaiting(clientId));
    return c;
  }

  private void assertOneOwnerOnB(String clientId, RawClient earlier, RawClient later) throws IOException {
    assertThat(((MqttPacket.ConnAck) earlier.read()).reasonCode()).isZero();
    assertThat(earlier.readUntilClosed()).isEqualTo(new MqttPacket.Disconnect(ReasonCode.SESSION_TAKEN_OVER,
        Properties.NONE));
    MqttPacket.ConnAck ack = (MqttPacket.ConnAck) later.read();
    assertThat(ack.reasonCode()).isZero();
    assertThat(ack.sessionPresent()).isTrue();
    await().atMost(WAIT).until(() -> MqttServer.broker(nodes.a).session(clientId) == null);
    assertThat(MqttServer.broker(nodes.b).session(clientId).connected()).isTrue();
    assertThat(MqttServer.broker(nodes.c).session(clientId)).isNull();
    assertThat(nodes.bus.held(ClusterSessionDirectory.key(clientId))).extracting(NodeBus.Held::node)
        .containsExactly("b");
    later.assertNothingMoreBeforePing();
    later.close();
    earlier.close();
  }

  @Test
  void laterClaimThatSeesTheEarlierOneTakesTheSessionOverOnceTheEarlierOneIsBuilt() throws IOException {
    heldByPausedNode("race-1");
    RawClient earlier = claimOn(directory(nodes.a), nodes.a.port("mqtt"), "race-1");
    nodes.time.advance(Duration.ofMillis(1));
    // b looks after a holds: b asks a (still claiming) and c to hand over; a saw only c.
    RawClient later = claimOn(directory(nodes.b), nodes.b.port("mqtt"), "race-1");
    nodes.bus.resume("c");
    assertOneOwnerOnB("race-1", earlier, later);
  }

  @Test
  void earlierClaimThatSeesTheLaterOneGivesWayAfterItsConnectionTookTheSession() throws IOException {
    heldByPausedNode("race-2");
    // Same millisecond: the tie goes to the higher node id, b. b looks before a holds: it sees only c.
    RawClient later = claimOn(directory(nodes.b), nodes.b.port("mqtt"), "race-2");
    RawClient earlier = claimOn(directory(nodes.a), nodes.a.port("mqtt"), "race-2");
    assertThat(nodes.bus.held(ClusterSessionDirectory.key("race-2"))).hasSize(3);
    nodes.bus.resume("c");
    assertOneOwnerOnB("race-2", earlier, later);
  }
}
