package dev.parley.mqtt.cluster;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** Base of the cluster tests: two fresh nodes for each test. */
abstract class TwoNodeTest {
  static final Duration WAIT = Duration.ofSeconds(10);

  ClusterNodes nodes;

  @BeforeEach
  void start() {
    nodes = new ClusterNodes();
  }

  @AfterEach
  void stop() throws Exception {
    nodes.close();
  }
}
