package dev.parley.mqtt.transport;

import java.util.HashMap;
import java.util.Map;

/**
 * The topic aliases the broker has defined towards one MQTT 5 client (MQTT 5, 3.3.2.3.4): the first
 * {@code maximum} topics sent get one each, for the life of the connection. Created at the first
 * PUBLISH to a client that accepts aliases. The connection's event loop only.
 */
final class OutboundAliases {
  private final int maximum;
  private final Map<String, Integer> byTopic = new HashMap<>();

  OutboundAliases(int maximum) {
    this.maximum = maximum;
  }

  /** As {@code Link.topicAlias}: new (positive), known (negative) or none (0). */
  int aliasFor(String topic) {
    Integer known = byTopic.get(topic);
    if (known != null) {
      return -known;
    }
    if (byTopic.size() >= maximum) {
      return 0;
    }
    int alias = byTopic.size() + 1;
    byTopic.put(topic, alias);
    return alias;
  }
}
