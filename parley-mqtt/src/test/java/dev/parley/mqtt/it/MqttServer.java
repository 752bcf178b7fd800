package dev.parley.mqtt.it;

import dev.parley.core.testing.TestKernel;
import dev.parley.mqtt.MqttModule;
import dev.parley.mqtt.broker.Broker;
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
