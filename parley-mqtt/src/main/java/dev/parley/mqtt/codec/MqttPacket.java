package dev.parley.mqtt.codec;

import java.util.List;

/** One MQTT control packet, decoded or to be encoded. Byte arrays are owned by the packet. */
public sealed interface MqttPacket {
  /** The control packet type ({@link PacketType}). */
  int type();

  /**
   * CONNECT. {@code password} and will payload are raw bytes.
   *
   * @param level protocol level: 4 (3.1.1) or 5
   * @param keepAliveSeconds 0 means no keepalive
   * @param will the will message, or null
   * @param username the user name, or null
   * @param password the password, or null
   */
  record Connect(int level, boolean cleanStart, int keepAliveSeconds, Properties props, String clientId, Will will,
      String username, byte[] password) implements MqttPacket {
    @Override
    public int type() {
      return PacketType.CONNECT;
    }
  }

  /**
   * A will message of CONNECT.
   *
   * @param delaySeconds will delay interval (MQTT 5), 0 for none
   */
  record Will(String topic, byte[] payload, int qos, boolean retain, MessageProps props, long delaySeconds) {}

  /** CONNACK; {@code reasonCode} is the 3.1.1 return code for level 4 peers. */
  record ConnAck(boolean sessionPresent, int reasonCode, Properties props) implements MqttPacket {
    @Override
    public int type() {
      return PacketType.CONNACK;
    }
  }

  /**
   * PUBLISH.
   *
   * @param packetId 0 for QoS 0
   * @param topicAlias MQTT 5 topic alias, 0 for none (then {@code topic} may be empty on the wire)
   * @param subscriptionIds subscription identifiers (server to client), empty for none
   */
  record Publish(String topic, int qos, boolean retain, boolean dup, int packetId, MessageProps props, byte[] payload,
      int topicAlias, int[] subscriptionIds) implements MqttPacket {
    public static final int[] NO_IDS = new int[0];

    public Publish(String topic, int qos, boolean retain, int packetId, byte[] payload) {
      this(topic, qos, retain, false, packetId, MessageProps.NONE, payload, 0, NO_IDS);
    }

    @Override
    public int type() {
      return PacketType.PUBLISH;
    }
  }

  /** PUBACK, PUBREC, PUBREL or PUBCOMP ({@code type} says which). */
  record PubReply(int type, int packetId, int reasonCode, Properties props) implements MqttPacket {
    public PubReply(int type, int packetId) {
      this(type, packetId, ReasonCode.SUCCESS, Properties.NONE);
    }
  }

  /**
   * One topic filter of SUBSCRIBE with its options.
   *
   * @param retainHandling 0 send retained at subscribe, 1 only for a new subscription, 2 never
   */
  record Subscription(String filter, int qos, boolean noLocal, boolean retainAsPublished, int retainHandling) {
    public Subscription(String filter, int qos) {
      this(filter, qos, false, false, 0);
    }
  }

  /** SUBSCRIBE; {@code subscriptionId} is 0 when the packet carries none. */
  record Subscribe(int packetId, int subscriptionId, List<UserProperty> userProperties,
      List<Subscription> subscriptions) implements MqttPacket {
    @Override
    public int type() {
      return PacketType.SUBSCRIBE;
    }
  }

  /** SUBACK: one reason code (or 3.1.1 return code) per filter. */
  record SubAck(int packetId, int[] reasonCodes, Properties props) implements MqttPacket {
    @Override
    public int type() {
      return PacketType.SUBACK;
    }
  }

  /** UNSUBSCRIBE. */
  record Unsubscribe(int packetId, List<String> filters, Properties props) implements MqttPacket {
    @Override
    public int type() {
      return PacketType.UNSUBSCRIBE;
    }
  }

  /** UNSUBACK: reason codes per filter (MQTT 5 only; ignored for 3.1.1). */
  record UnsubAck(int packetId, int[] reasonCodes, Properties props) implements MqttPacket {
    @Override
    public int type() {
      return PacketType.UNSUBACK;
    }
  }

  /** PINGREQ. */
  record PingReq() implements MqttPacket {
    public static final PingReq INSTANCE = new PingReq();

    @Override
    public int type() {
      return PacketType.PINGREQ;
    }
  }

  /** PINGRESP. */
  record PingResp() implements MqttPacket {
    public static final PingResp INSTANCE = new PingResp();

    @Override
    public int type() {
      return PacketType.PINGRESP;
    }
  }

  /** DISCONNECT (reason and properties are MQTT 5 only). */
  record Disconnect(int reasonCode, Properties props) implements MqttPacket {
    public static final Disconnect NORMAL = new Disconnect(ReasonCode.SUCCESS, Properties.NONE);

    @Override
    public int type() {
      return PacketType.DISCONNECT;
    }
  }

  /** AUTH (MQTT 5 enhanced authentication). */
  record Auth(int reasonCode, Properties props) implements MqttPacket {
    @Override
    public int type() {
      return PacketType.AUTH;
    }
  }
}
