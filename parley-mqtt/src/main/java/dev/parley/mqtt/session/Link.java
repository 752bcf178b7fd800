package dev.parley.mqtt.session;

import dev.parley.mqtt.codec.MqttPacket;

/** The connection a session is attached to, as the session sees it. Called on the session's event loop. */
public interface Link {
  /** Protocol level of the connection (4 or 5). */
  int level();

  /** Writes a packet; flushed at the end of the current batch of work. */
  void send(MqttPacket packet);

  /** Whether the connection's write buffer is below its high water mark. */
  boolean writable();

  /** The client's receive maximum (outbound in-flight window). */
  int receiveMaximum();

  /** The largest packet the client accepts. */
  long maximumPacketSize();

  /**
   * The topic alias to use for {@code topic}: positive and new (send topic and alias), negative
   * for one already known by the client (send only the alias), 0 for none.
   */
  int topicAlias(String topic);

  /** Another connection took the session over: tell the client (MQTT 5: reason 0x8E) and close. */
  void takenOver();
}
