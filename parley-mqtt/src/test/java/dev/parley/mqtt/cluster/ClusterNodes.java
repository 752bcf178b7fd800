package dev.parley.mqtt.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.core.store.StoreBackend;
import dev.parley.core.testing.BusModule;
import dev.parley.core.testing.InMemoryBus;
import dev.parley.core.testing.ManualTime;
import dev.parley.core.testing.StorageFixture;
import dev.parley.core.testing.TestKernel;
import dev.parley.mqtt.MqttModule;
import dev.parley.mqtt.codec.MqttPacket;
import dev.parley.mqtt.codec.MqttVersion;
import dev.parley.mqtt.codec.PacketType;
import dev.parley.mqtt.codec.Properties;
import dev.parley.mqtt.it.RawClient;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Two MQTT nodes in one JVM for the cluster tests: one PostgreSQL database, one in-memory bus,
 * one manual clock. Each node's kernel registers its bus before the MQTT module starts.
 */
final class ClusterNodes implements AutoCloseable {
  final ManualTime time = new ManualTime();
  final InMemoryBus bus = new InMemoryBus();
  private final StorageFixture database = StorageFixture.create(StoreBackend.POSTGRES);
  private final List<RawClient> clients = new ArrayList<>();
  TestKernel a;
  TestKernel b;
  /** A third node, started by the tests that need one. */
  TestKernel c;

  ClusterNodes() {
    a = node("a");
    b = node("b");
  }

  /** Starts the kernel of node {@code id} on the shared database. */
  TestKernel node(String id) {
    TestKernel.Builder builder = TestKernel.builder(() -> List.of(new BusModule(bus.node(id), bus.cluster(id)),
        new MqttModule())).time(time);
    database.kernelConfig().forEach(builder::set);
    return builder.start();
  }

  static ClusterMessageRouter router(TestKernel k) {
    return k.kernel().context().services().first(ClusterMessageRouter.class).orElseThrow();
  }

  static ClusterSessionDirectory directory(TestKernel k) {
    return k.kernel().context().services().first(ClusterSessionDirectory.class).orElseThrow();
  }

  /** A connected MQTT 5 client on node {@code k}, closed with the nodes. */
  RawClient client(TestKernel k, String id, long expiry, boolean clean) throws IOException {
    RawClient c = new RawClient(k.port("mqtt"), MqttVersion.V5);
    clients.add(c);
    assertThat(connect(c, id, expiry, clean, null).reasonCode()).isZero();
    return c;
  }

  /** An MQTT 5 client on node {@code k} that has sent nothing yet. */
  RawClient unconnected(TestKernel k) throws IOException {
    RawClient c = new RawClient(k.port("mqtt"), MqttVersion.V5);
    clients.add(c);
    return c;
  }

  /** Sends CONNECT (with {@code will}, when not null) and returns the CONNACK. */
  static MqttPacket.ConnAck connect(RawClient c, String id, long expiry, boolean clean, MqttPacket.Will will)
      throws IOException {
    Properties p = new Properties();
    if (expiry > 0) {
      p.sessionExpiryInterval = expiry;
    }
    c.send(new MqttPacket.Connect(MqttVersion.V5, clean, 60, p, id, will, null, null));
    return (MqttPacket.ConnAck) c.read();
  }

  RawClient client(TestKernel k, String id) throws IOException {
    return client(k, id, 0, true);
  }

  static void subscribe(RawClient c, String filter, int qos) throws IOException {
    c.send(new MqttPacket.Subscribe(9, 0, List.of(), List.of(new MqttPacket.Subscription(filter, qos))));
    assertThat(c.read().type()).isEqualTo(PacketType.SUBACK);
  }

  static void unsubscribe(RawClient c, String filter) throws IOException {
    c.send(new MqttPacket.Unsubscribe(10, List.of(filter), Properties.NONE));
    assertThat(c.read().type()).isEqualTo(PacketType.UNSUBACK);
  }

  /** Publishes at QoS 0 (nothing to wait for). */
  static void publish(RawClient c, String topic, String payload) throws IOException {
    c.send(new MqttPacket.Publish(topic, 0, false, 0, payload.getBytes()));
  }

  static void publishRetained(RawClient c, String topic, String payload) throws IOException {
    c.send(new MqttPacket.Publish(topic, 1, true, 77, payload.getBytes()));
    // Success, or 0x10 when nobody subscribes: either way the message is kept.
    MqttPacket.PubReply ack = (MqttPacket.PubReply) c.read();
    assertThat(ack.type()).isEqualTo(PacketType.PUBACK);
    assertThat(ack.packetId()).isEqualTo(77);
  }

  /** The next packet, which must be a PUBLISH of {@code payload}. */
  static MqttPacket.Publish expectPublish(RawClient c, String payload) throws IOException {
    MqttPacket p = c.read();
    assertThat(p).isInstanceOf(MqttPacket.Publish.class);
    MqttPacket.Publish got = (MqttPacket.Publish) p;
    assertThat(new String(got.payload())).isEqualTo(payload);
    return got;
  }

  @Override
  public void close() throws Exception {
    for (RawClient c : clients) {
      c.close();
    }
    if (a != null) {
      a.close();
    }
    if (b != null) {
      b.close();
    }
    if (c != null) {
      c.close();
    }
    bus.close();
    database.close();
  }
}
