package dev.parley.mqtt.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.core.testing.ManualTime;
import dev.parley.core.testing.PostgresServer;
import dev.parley.core.testing.TestKernel;
import dev.parley.mqtt.codec.MqttPacket;
import dev.parley.mqtt.codec.MqttVersion;
import dev.parley.mqtt.codec.PacketType;
import dev.parley.mqtt.codec.Properties;
import dev.parley.mqtt.codec.ReasonCode;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * MQTT on PostgreSQL while the database is away (a server of this class's own, since the test
 * stops it): a QoS 2 publish that could not be stored is answered with an error PUBREC, which
 * ends its flow, so the packet id is free again and counts no more against the receive maximum.
 */
class StoreOutageTest {
  private static final String TOPIC = "public/outage/t";
  private final ManualTime time = new ManualTime();
  private PostgresServer server;
  private TestKernel kernel;

  @BeforeEach
  void start() {
    server = PostgresServer.started();
    String url = server.createDatabase("mqtt_outage");
    kernel = MqttServer.start(time, Map.of("store.postgres.url", url, "store.postgres.user", PostgresServer.USER,
        "mqtt.receive-maximum", 1));
  }

  @AfterEach
  void stop() {
    if (kernel != null) {
      kernel.close();
    }
    server.close();
  }

  private RawClient client(String id, boolean clean) throws IOException {
    RawClient c = new RawClient(kernel.port("mqtt"), MqttVersion.V5);
    Properties p = new Properties();
    p.sessionExpiryInterval = 300L;
    c.send(new MqttPacket.Connect(MqttVersion.V5, clean, 60, p, id, null, null, null));
    assertThat(((MqttPacket.ConnAck) c.read()).reasonCode()).isZero();
    return c;
  }

  private static MqttPacket.PubReply pubrec(RawClient pub, String payload) throws IOException {
    pub.send(new MqttPacket.Publish(TOPIC, 2, false, 5, payload.getBytes()));
    MqttPacket reply = pub.read();
    assertThat(reply.type()).isEqualTo(PacketType.PUBREC);
    return (MqttPacket.PubReply) reply;
  }

  @Test
  void aQos2PublishTheStoreRefusedEndsItsFlowAndItsPacketIdCarriesTheNextMessage() throws IOException {
    try (RawClient sub = client("sub", true); RawClient pub = client("pub", true)) {
      sub.send(new MqttPacket.Subscribe(1, 0, List.of(), List.of(new MqttPacket.Subscription(TOPIC, 1))));
      assertThat(sub.read().type()).isEqualTo(PacketType.SUBACK);

      server.stop();
      assertThat(pubrec(pub, "refused").reasonCode()).isEqualTo(ReasonCode.UNSPECIFIED_ERROR);
      server.start();
      // The store tries again once its backoff has passed on the kernel's clock; until then PUBRECs say error.
      time.advance(Duration.ofSeconds(1));
      AtomicInteger tries = new AtomicInteger();
      await().atMost(Duration.ofSeconds(20))
          .until(() -> pubrec(pub, "try-" + tries.incrementAndGet()).reasonCode() == ReasonCode.SUCCESS);
      pub.send(new MqttPacket.PubReply(PacketType.PUBREL, 5));
      assertThat(pub.read()).isEqualTo(new MqttPacket.PubReply(PacketType.PUBCOMP, 5));

      // The connected subscriber may have been handed the refused tries too; the stored one must come.
      String stored = "try-" + tries.get();
      String got;
      do {
        MqttPacket p = sub.read();
        assertThat(p).isInstanceOf(MqttPacket.Publish.class);
        got = new String(((MqttPacket.Publish) p).payload());
      } while (!got.equals(stored));
    }
  }
}
