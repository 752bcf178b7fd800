package dev.parley.mqtt.cluster;

import dev.parley.core.cluster.NodeBus;
import dev.parley.mqtt.broker.Broker;
import dev.parley.mqtt.store.MqttStore;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps every node's in-memory retained messages in step with the shared store: a change made
 * here is broadcast ({@value #TOPIC}) and applied by the others; after the bus resumes (changes
 * may have been lost meanwhile) the retained messages are read again from the store.
 */
public final class RetainedSync {
  static final String TOPIC = "mqtt.retained";
  private static final Logger log = LoggerFactory.getLogger(RetainedSync.class);

  private RetainedSync() {}

  /** Wires {@code broker} to the bus; {@code blocking} runs the store read after a resume. */
  public static void start(NodeBus bus, Broker broker, MqttStore store, Executor blocking) {
    broker.onRetainedChanged(m -> bus.broadcast(TOPIC, BusCodec.encode(m)));
    bus.listen(TOPIC, (from, payload) -> {
      try {
        broker.retainedElsewhere(BusCodec.decode(payload));
      } catch (IllegalArgumentException e) {
        log.warn("MQTT retained change from node {} dropped: {}", from, e.getMessage());
      }
    });
    bus.onResume(() -> blocking.execute(() -> reload(broker, store)));
  }

  private static void reload(Broker broker, MqttStore store) {
    long now = broker.nowMillis();
    Set<String> stale = new HashSet<>();
    broker.retained().forEach(m -> stale.add(m.topic()));
    store.loadRetained(m -> {
      if (!m.expired(now)) {
        stale.remove(m.topic());
        broker.retainedElsewhere(m);
      }
    });
    for (String topic : stale) {
      broker.retained().put(topic, null);
    }
  }
}
