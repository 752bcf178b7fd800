package dev.parley.mqtt.it;

import dev.parley.core.testing.TestKernel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Base of test classes whose tests share one server with the default MQTT configuration. */
abstract class SharedServer {
  static TestKernel server;

  @BeforeAll
  static void startServer() {
    server = MqttServer.start();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }
}
