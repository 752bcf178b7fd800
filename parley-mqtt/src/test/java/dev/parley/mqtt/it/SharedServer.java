package dev.parley.mqtt.it;

import dev.parley.core.testing.ManualTime;
import dev.parley.core.testing.TestKernel;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Base of test classes whose tests share one server with the default MQTT configuration. The
 * server runs on {@link #time}: its timers fire only when a test advances it.
 */
abstract class SharedServer {
  static ManualTime time;
  static TestKernel server;

  @BeforeAll
  static void startServer() {
    time = new ManualTime();
    server = MqttServer.start(time, Map.of());
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }
}
