package dev.parley.mqtt.session;

import dev.parley.mqtt.codec.MessageProps;
import dev.parley.mqtt.codec.MqttEncoder;
import dev.parley.mqtt.codec.MqttPacket;
import dev.parley.mqtt.codec.MqttVersion;
import dev.parley.mqtt.codec.PacketType;
import dev.parley.mqtt.codec.Properties;
import dev.parley.mqtt.codec.ReasonCode;
import dev.parley.mqtt.config.QueueFullPolicy;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * Messages on their way to the client of one session: QoS 1/2 messages in flight by packet id
 * (the window is the client's receive maximum), messages queued behind the window, the packet ids,
 * and the QoS 1/2 acknowledgements that free the window. QoS 0 goes out at once or not at all.
 *
 * <p>Created at the session's first message; the window and the queue are created when first
 * needed, so a session that gets only QoS 0 holds no collection. Home loop of the session only.
 */
final class Outbox {
  private static final int MAX_PACKET_ID = 65_535;

  private final Session session;
  private final SessionHost host;
  private LinkedHashMap<Integer, Outgoing> inflight;
  private ArrayDeque<Outgoing> queue;
  private int nextPacketId = 1;

  Outbox(Session session, SessionHost host) {
    this.session = session;
    this.host = host;
  }

  /** A message for the session: sent now, queued behind the window, or dropped by policy. */
  void deliver(Outgoing o) {
    if (o.message.expired(host.nowMillis())) {
      drop(o, "expired");
      return;
    }
    Link link = session.link();
    if (o.qos == 0) {
      if (link != null && link.writable()) {
        sendPublish(o, false);
      } else {
        // QoS 0 is not queued: offline or slow clients miss it (the slow-consumer policy).
        host.dropped(link == null ? "offline" : "slow_consumer");
      }
      return;
    }
    if (link != null && queued() == 0 && inflightCount() < link.receiveMaximum() && link.writable()) {
      startInflight(o);
      return;
    }
    enqueue(o);
  }

  /** A stored message after a restart: in flight when it had a packet id, else queued. */
  void restore(Outgoing o) {
    if (o.packetId != 0) {
      inflight().put(o.packetId, o);
      int next = Math.max(nextPacketId, o.packetId + 1);
      nextPacketId = next > MAX_PACKET_ID ? 1 : next;
    } else {
      queue().add(o);
    }
  }

  /** After CONNACK: what was in flight goes again (DUP set, or the PUBREL), then what is queued. */
  void resume() {
    if (inflight != null) {
      Link link = session.link();
      for (Outgoing o : inflight.values()) {
        if (o.released) {
          link.send(new MqttPacket.PubReply(PacketType.PUBREL, o.packetId));
        } else {
          sendPublish(o, true);
        }
      }
    }
    drain();
  }

  /** Sends queued messages while the window and the connection allow. */
  void drain() {
    Link link = session.link();
    while (link != null && queued() > 0 && inflightCount() < link.receiveMaximum() && link.writable()) {
      Outgoing o = queue.poll();
      if (o.message.expired(host.nowMillis())) {
        drop(o, "expired");
        continue;
      }
      startInflight(o);
    }
  }

  /** PUBACK from the client. */
  void onPubAck(int packetId) {
    Outgoing o = inflight == null ? null : inflight.get(packetId);
    if (o == null || o.qos != 1) {
      return;
    }
    complete(o);
  }

  /** PUBREC from the client: answer PUBREL (or 0x92 for an unknown id). */
  void onPubRec(int packetId, int reasonCode) {
    Outgoing o = inflight == null ? null : inflight.get(packetId);
    Link link = session.link();
    if (o == null || o.qos != 2) {
      link.send(new MqttPacket.PubReply(PacketType.PUBREL, packetId, session.level() == MqttVersion.V5
          ? ReasonCode.PACKET_IDENTIFIER_NOT_FOUND : ReasonCode.SUCCESS, Properties.NONE));
      return;
    }
    if (ReasonCode.isError(reasonCode)) {
      complete(o);
      return;
    }
    if (!o.released) {
      o.released = true;
      if (o.storeId != 0) {
        host.store().markReleased(o.storeId);
      }
    }
    link.send(new MqttPacket.PubReply(PacketType.PUBREL, packetId));
  }

  /** PUBCOMP from the client. */
  void onPubComp(int packetId) {
    Outgoing o = inflight == null ? null : inflight.get(packetId);
    if (o == null || !o.released) {
      return;
    }
    complete(o);
  }

  int queued() {
    return queue == null ? 0 : queue.size();
  }

  int inflightCount() {
    return inflight == null ? 0 : inflight.size();
  }

  /** Ids of the messages in flight, then of those queued. */
  List<Long> storeIds() {
    List<Long> out = new ArrayList<>();
    if (inflight != null) {
      for (Outgoing o : inflight.values()) {
        out.add(o.storeId);
      }
    }
    if (queue != null) {
      for (Outgoing o : queue) {
        out.add(o.storeId);
      }
    }
    return out;
  }

  private void complete(Outgoing o) {
    inflight.remove(o.packetId);
    o.forget(host.store());
    drain();
  }

  private void enqueue(Outgoing o) {
    if (queued() >= host.settings().maxQueued()) {
      if (host.settings().queueFullPolicy() == QueueFullPolicy.DROP_NEW) {
        drop(o, "queue_full");
        return;
      }
      drop(queue.poll(), "queue_full");
    }
    queue().add(o);
  }

  private void startInflight(Outgoing o) {
    o.packetId = nextPacketId();
    inflight().put(o.packetId, o);
    if (o.storeId != 0 && o.qos == 2) {
      host.store().setPacketId(o.storeId, o.packetId);
    }
    sendPublish(o, false);
  }

  private int nextPacketId() {
    for (int i = 0; i < MAX_PACKET_ID; i++) {
      int id = nextPacketId;
      nextPacketId = id == MAX_PACKET_ID ? 1 : id + 1;
      if (inflight == null || !inflight.containsKey(id)) {
        return id;
      }
    }
    throw new IllegalStateException("no free packet id");
  }

  private void sendPublish(Outgoing o, boolean dup) {
    Link link = session.link();
    int level = session.level();
    MessageProps props = o.message.propsAt(host.nowMillis());
    String topic = o.message.topic();
    int alias = 0;
    if (level == MqttVersion.V5 && !dup) {
      int a = link.topicAlias(topic);
      if (a < 0) {
        alias = -a;
        topic = "";
      } else {
        alias = a;
      }
    }
    MqttPacket.Publish p = new MqttPacket.Publish(topic, o.qos, o.retain, dup && o.qos > 0, o.packetId, props,
        o.message.payload(), alias, level == MqttVersion.V5 ? o.subscriptionIds : MqttPacket.Publish.NO_IDS);
    if (level == MqttVersion.V5 && link.maximumPacketSize() < Long.MAX_VALUE
        && MqttEncoder.size(p, level) > link.maximumPacketSize()) {
      // MQTT 5, 3.1.2.11.4: a message too large for the client is discarded as if sent.
      if (o.qos > 0) {
        inflight.remove(o.packetId);
        o.forget(host.store());
      }
      host.dropped("too_large");
      return;
    }
    link.send(p);
    host.sent();
  }

  private void drop(Outgoing o, String reason) {
    host.dropped(reason);
    o.forget(host.store());
  }

  private LinkedHashMap<Integer, Outgoing> inflight() {
    if (inflight == null) {
      inflight = new LinkedHashMap<>();
    }
    return inflight;
  }

  private ArrayDeque<Outgoing> queue() {
    if (queue == null) {
      queue = new ArrayDeque<>();
    }
    return queue;
  }
}
