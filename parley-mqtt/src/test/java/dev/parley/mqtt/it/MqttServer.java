package dev.parley.mqtt.it;

import dev.parley.core.testing.ManualTime;
import dev.parley.core.testing.TestKernel;
import dev.parley.mqtt.MqttModule;
import dev.parley.mqtt.broker.Broker;
import dev.parley.mqtt.session.Session;
import java.util.List;
import java.util.Map;

/** A test server with the MQTT module, on ephemeral loopback ports. */
public final class MqttServer {
  private MqttServer() {}

  public static TestKernel start() {
    return start(Map.of());
  }

  public static TestKernel start(Map<String, Object> config) {
    TestKernel.Builder b = TestKernel.builder(() -> List.of(new MqttModule()));
    config.forEach(b::set);
    return b.start();
  }

  /** A server whose every timer (wills, expiry, keepalive, CONNECT timeout) waits for {@code time.advance}. */
  public static TestKernel start(ManualTime time, Map<String, Object> config) {
    TestKernel.Builder b = TestKernel.builder(() -> List.of(new MqttModule())).time(time);
    config.forEach(b::set);
    return b.start();
  }

  /**
   * Waits until the session of {@code clientId} has no connection and the close is fully handled
   * (its will and expiry timers are set), so a test may advance time past them.
   */
  public static void awaitOffline(TestKernel k, String clientId) {
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> {
      Session s = broker(k).session(clientId);
      return s != null && !s.connected();
    });
    // The close is handled in one task on the session's loop: one more task there runs after it.
    broker(k).session(clientId).home().submit(() -> { }).syncUninterruptibly();
  }

  public static Broker broker(TestKernel k) {
    return k.kernel().context().services().first(Broker.class).orElseThrow();
  }

  public static String tcp(TestKernel k) {
    return "tcp://127.0.0.1:" + k.port("mqtt");
  }

  public static String ws(TestKernel k) {
    return "ws://127.0.0.1:" + k.httpPort() + "/mqtt";
  }
}
