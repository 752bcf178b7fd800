package dev.parley.mqtt.transport;

import dev.parley.mqtt.codec.MqttPacket;
import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * Keeps PUBACK and PUBREC in the order their PUBLISH packets arrived (MQTT 4.6), though some wait
 * for the store and others can go at once. Used on the connection's event loop only.
 */
final class AckQueue {
  private final ArrayDeque<Slot> slots = new ArrayDeque<>();
  private final Consumer<MqttPacket> out;

  AckQueue(Consumer<MqttPacket> out) {
    this.out = out;
  }

  /** A place in line; fill it with {@link Slot#ready}. */
  Slot reserve() {
    Slot s = new Slot();
    slots.add(s);
    return s;
  }

  /** Sends {@code ack} now if nothing waits before it, else queues it in line. */
  void sendInOrder(MqttPacket ack) {
    if (slots.isEmpty()) {
      out.accept(ack);
    } else {
      reserve().ready(ack);
    }
  }

  private void release() {
    while (!slots.isEmpty() && slots.peek().packet != null) {
      out.accept(slots.poll().packet);
    }
  }

  /** One acknowledgement in line. */
  final class Slot {
    private MqttPacket packet;

    void ready(MqttPacket ack) {
      packet = ack;
      release();
    }
  }
}
