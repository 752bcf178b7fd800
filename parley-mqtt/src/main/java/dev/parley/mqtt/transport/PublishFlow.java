package dev.parley.mqtt.transport;

import dev.parley.mqtt.auth.Acl;
import dev.parley.mqtt.broker.Broker;
import dev.parley.mqtt.codec.MessageProps;
import dev.parley.mqtt.codec.MqttPacket;
import dev.parley.mqtt.codec.MqttVersion;
import dev.parley.mqtt.codec.PacketType;
import dev.parley.mqtt.codec.Properties;
import dev.parley.mqtt.codec.ReasonCode;
import dev.parley.mqtt.codec.Wire;
import dev.parley.mqtt.config.MqttSettings;
import dev.parley.mqtt.message.AppMessage;
import dev.parley.mqtt.routing.MessageRouter;
import dev.parley.mqtt.routing.NotConfirmedException;
import dev.parley.mqtt.topic.Topics;

/**
 * PUBLISH from the client and the QoS 1/2 answers: topic aliases, limits, access rules, routing,
 * and PUBACK/PUBREC once what the message needs stored is durable, in arrival order. Counts the
 * client's unacknowledged QoS 1/2 messages against the receive maximum. One per connection,
 * created at its first PUBLISH or PUBREL; its event loop only.
 */
final class PublishFlow {
  private final Peer conn;
  private final Broker broker;
  private final MqttSettings settings;
  private final Acl acl;
  private final AckQueue acks;
  private String[] aliases;
  private int inFlight;

  PublishFlow(Peer conn, Broker broker, MqttSettings settings, Acl acl) {
    this.conn = conn;
    this.broker = broker;
    this.settings = settings;
    this.acl = acl;
    this.acks = new AckQueue(conn::send);
  }

  void publish(MqttPacket.Publish p) {
    broker.received();
    boolean v5 = conn.level() == MqttVersion.V5;
    String topic = p.topic();
    if (p.topicAlias() > 0) {
      if (p.topicAlias() > settings.topicAliasMaximum()) {
        conn.fail(ReasonCode.TOPIC_ALIAS_INVALID, "topic alias " + p.topicAlias() + " above the maximum");
        return;
      }
      if (aliases == null) {
        aliases = new String[settings.topicAliasMaximum() + 1];
      }
      if (topic.isEmpty()) {
        topic = aliases[p.topicAlias()];
        if (topic == null) {
          conn.fail(ReasonCode.PROTOCOL_ERROR, "unknown topic alias " + p.topicAlias());
          return;
        }
      } else {
        aliases[p.topicAlias()] = topic;
      }
    }
    if (!Topics.isValidName(topic)) {
      conn.fail(ReasonCode.TOPIC_NAME_INVALID, "topic name with a wildcard");
      return;
    }
    if (p.qos() > 0 && p.qos() == 2 && !conn.session().inboundQos2Start(p.packetId())) {
      // A resend of a QoS 2 message we already have: answer again, route nothing.
      acks.sendInOrder(new MqttPacket.PubReply(PacketType.PUBREC, p.packetId()));
      return;
    }
    if (p.qos() > 0) {
      if (inFlight >= settings.receiveMaximum()) {
        conn.fail(ReasonCode.RECEIVE_MAXIMUM_EXCEEDED, "more than " + settings.receiveMaximum()
            + " QoS 1/2 messages unacknowledged");
        return;
      }
      inFlight++;
    }
    if (p.retain() && !settings.retainEnabled()) {
      conn.fail(ReasonCode.RETAIN_NOT_SUPPORTED, "retained messages are disabled");
      return;
    }
    int refusal = 0;
    String why = null;
    if (Topics.levels(topic) > settings.maxTopicLevels()) {
      refusal = ReasonCode.TOPIC_NAME_INVALID;
      why = "topic has more than " + settings.maxTopicLevels() + " levels";
    } else if (p.props().utf8Payload() && !Wire.isUtf8(p.payload())) {
      refusal = ReasonCode.PAYLOAD_FORMAT_INVALID;
      why = "payload is not UTF-8";
    } else if (!acl.canPublish(conn.identity(), conn.clientId(), topic)) {
      refusal = ReasonCode.NOT_AUTHORIZED;
      why = "not allowed to publish to " + topic;
    }
    if (refusal != 0) {
      refuse(p, refusal, why, v5);
      return;
    }
    MessageProps props = p.props();
    long expiresAt = props.messageExpirySeconds() < 0 ? AppMessage.NEVER
        : broker.nowMillis() + props.messageExpirySeconds() * 1000;
    AppMessage m = new AppMessage(topic, p.payload(), p.qos(), p.retain(), props, expiresAt, conn.clientId());
    Broker.Published result = p.qos() == 2 ? broker.publish(m, new MessageRouter.Qos2(p.packetId(), p.dup()))
        : broker.publish(m);
    if (p.qos() == 0) {
      return;
    }
    int type = p.qos() == 1 ? PacketType.PUBACK : PacketType.PUBREC;
    int code = !v5 ? ReasonCode.SUCCESS : result.retainRefused() ? ReasonCode.QUOTA_EXCEEDED
        : result.matched() == 0 ? ReasonCode.NO_MATCHING_SUBSCRIBERS : ReasonCode.SUCCESS;
    if (result.durable() == null) {
      ack(type, p, code);
      return;
    }
    AckQueue.Slot slot = acks.reserve();
    int packetId = p.packetId();
    int qos = p.qos();
    result.durable().whenComplete((ok, err) -> conn.eventLoop().execute(() -> {
      int finalCode = err == null ? code : (v5 ? ReasonCode.UNSPECIFIED_ERROR : ReasonCode.SUCCESS);
      if (err != null && qos == 2) {
        // Not PUBRECed as stored: its resend is a new try (routed again), not a duplicate to answer.
        conn.session().inboundQos2Release(packetId);
        if (v5) {
          // An error PUBREC ends the flow (MQTT 5, 4.3.3): no PUBREL comes for it.
          inFlight--;
        }
      }
      if (err != null && notConfirmed(err)) {
        // Another node may not have its copies: no acknowledgement; the client sends it again (DUP).
        conn.fail(ReasonCode.UNSPECIFIED_ERROR, "not stored on every node: " + err.getMessage());
        return;
      }
      if (err != null && !v5) {
        // 3.1.1 has no way to say "not stored": close so the client sends it again.
        conn.fail(ReasonCode.UNSPECIFIED_ERROR, "store failed: " + err);
        return;
      }
      if (qos == 1) {
        inFlight--;
      }
      slot.ready(reply(type, packetId, finalCode, err == null ? null : "not stored"));
    }));
  }

  private static boolean notConfirmed(Throwable err) {
    for (Throwable t = err; t != null; t = t.getCause()) {
      if (t instanceof NotConfirmedException) {
        return true;
      }
    }
    return false;
  }

  private void refuse(MqttPacket.Publish p, int code, String why, boolean v5) {
    if (!v5) {
      // 3.1.1 cannot refuse a PUBLISH: acknowledge and drop it, or close when the topic itself is bad.
      if (code == ReasonCode.TOPIC_NAME_INVALID) {
        conn.fail(code, why);
        return;
      }
      if (p.qos() > 0) {
        ack(p.qos() == 1 ? PacketType.PUBACK : PacketType.PUBREC, p, ReasonCode.SUCCESS);
      }
      return;
    }
    if (p.qos() > 0) {
      if (p.qos() == 2) {
        // A refused QoS 2 message ends its flow with the PUBREC (MQTT 5, 4.3.3).
        conn.session().inboundQos2Release(p.packetId());
        inFlight--;
        acks.sendInOrder(reply(PacketType.PUBREC, p.packetId(), code, why));
        return;
      }
      inFlight--;
      acks.sendInOrder(reply(PacketType.PUBACK, p.packetId(), code, why));
    }
  }

  private void ack(int type, MqttPacket.Publish p, int code) {
    if (type == PacketType.PUBACK) {
      inFlight--;
    }
    acks.sendInOrder(reply(type, p.packetId(), code, null));
  }

  private MqttPacket reply(int type, int packetId, int code, String why) {
    if (code == ReasonCode.SUCCESS) {
      return new MqttPacket.PubReply(type, packetId);
    }
    return new MqttPacket.PubReply(type, packetId, code,
        why == null ? Properties.NONE : conn.reasonProps(why));
  }

  void pubRel(MqttPacket.PubReply rel) {
    boolean known = conn.session().inboundQos2Release(rel.packetId());
    if (known) {
      // Ids restored after a restart were never counted.
      inFlight = Math.max(0, inFlight - 1);
    }
    int code = known || conn.level() != MqttVersion.V5 ? ReasonCode.SUCCESS : ReasonCode.PACKET_IDENTIFIER_NOT_FOUND;
    acks.sendInOrder(code == ReasonCode.SUCCESS ? new MqttPacket.PubReply(PacketType.PUBCOMP, rel.packetId())
        : new MqttPacket.PubReply(PacketType.PUBCOMP, rel.packetId(), code, Properties.NONE));
  }
}
