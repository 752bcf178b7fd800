package dev.parley.mqtt.codec;

import static dev.parley.mqtt.codec.MalformedPacketException.malformed;
import static dev.parley.mqtt.codec.MalformedPacketException.protocol;

import dev.parley.mqtt.codec.MqttPacket.Connect;
import dev.parley.mqtt.codec.MqttPacket.Subscription;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses the variable header and payload of one packet whose fixed header was already read. Pure:
 * no state but the arguments, so the fuzz target drives it directly. Every rule of the
 * specification that the receiver "MUST" check is checked here; the broker's own limits (topic
 * levels, aliases, receive maximum) are checked by the connection handler.
 */
final class PacketReader {
  private PacketReader() {}

  /**
   * @param header the first byte: type in the high nibble, flags in the low one
   * @param body exactly the packet's remaining bytes; consumed
   * @param level the connection's protocol level (4 or 5); ignored for CONNECT
   * @param fromClient whether a client sent the packet (the broker's view) or the server (a client's view)
   */
  public static MqttPacket read(int header, ByteBuf body, int level, boolean fromClient) throws MalformedPacketException {
    int type = header >>> 4;
    int flags = header & 0x0F;
    boolean v5 = level == MqttVersion.V5;
    MqttPacket p;
    switch (type) {
      case PacketType.CONNECT:
        requireFlags(type, flags, 0);
        requireDirection(type, fromClient);
        p = connect(body);
        break;
      case PacketType.CONNACK:
        requireFlags(type, flags, 0);
        requireDirection(type, !fromClient);
        p = connAck(body, v5);
        break;
      case PacketType.PUBLISH:
        p = publish(flags, body, v5, fromClient);
        break;
      case PacketType.PUBACK:
      case PacketType.PUBREC:
      case PacketType.PUBCOMP:
        requireFlags(type, flags, 0);
        p = pubReply(type, body, v5);
        break;
      case PacketType.PUBREL:
        requireFlags(type, flags, 2);
        p = pubReply(type, body, v5);
        break;
      case PacketType.SUBSCRIBE:
        requireFlags(type, flags, 2);
        requireDirection(type, fromClient);
        p = subscribe(body, v5);
        break;
      case PacketType.SUBACK:
        requireFlags(type, flags, 0);
        requireDirection(type, !fromClient);
        p = subAck(body, v5);
        break;
      case PacketType.UNSUBSCRIBE:
        requireFlags(type, flags, 2);
        requireDirection(type, fromClient);
        p = unsubscribe(body, v5);
        break;
      case PacketType.UNSUBACK:
        requireFlags(type, flags, 0);
        requireDirection(type, !fromClient);
        p = unsubAck(body, v5);
        break;
      case PacketType.PINGREQ:
        requireFlags(type, flags, 0);
        requireDirection(type, fromClient);
        p = MqttPacket.PingReq.INSTANCE;
        break;
      case PacketType.PINGRESP:
        requireFlags(type, flags, 0);
        requireDirection(type, !fromClient);
        p = MqttPacket.PingResp.INSTANCE;
        break;
      case PacketType.DISCONNECT:
        requireFlags(type, flags, 0);
        p = disconnect(body, v5);
        break;
      case PacketType.AUTH:
        requireFlags(type, flags, 0);
        if (!v5) {
          throw malformed("AUTH is not an MQTT 3.1.1 packet");
        }
        p = auth(body);
        break;
      default:
        throw malformed("reserved packet type 0");
    }
    if (body.isReadable()) {
      throw malformed(PacketType.name(type) + " has " + body.readableBytes() + " bytes past its end");
    }
    return p;
  }

  private static void requireFlags(int type, int flags, int expected) throws MalformedPacketException {
    if (flags != expected) {
      throw malformed(PacketType.name(type) + " with reserved flags 0x" + Integer.toHexString(flags));
    }
  }

  private static void requireDirection(int type, boolean ok) throws MalformedPacketException {
    if (!ok) {
      throw protocol(PacketType.name(type) + " sent in the wrong direction");
    }
  }

  private static Connect connect(ByteBuf in) throws MalformedPacketException {
    String name = Wire.readString(in);
    int level = Wire.readByte(in);
    if (!name.equals("MQTT") || (level != MqttVersion.V3_1_1 && level != MqttVersion.V5)) {
      throw new MalformedPacketException(ReasonCode.UNSUPPORTED_PROTOCOL_VERSION,
          "unsupported protocol " + name + " level " + level);
    }
    boolean v5 = level == MqttVersion.V5;
    int flags = Wire.readByte(in);
    if ((flags & 0x01) != 0) {
      throw malformed("CONNECT reserved flag is set");
    }
    boolean clean = (flags & 0x02) != 0;
    boolean willFlag = (flags & 0x04) != 0;
    int willQos = (flags >> 3) & 0x03;
    boolean willRetain = (flags & 0x20) != 0;
    boolean hasPassword = (flags & 0x40) != 0;
    boolean hasUser = (flags & 0x80) != 0;
    if (willQos == 3) {
      throw malformed("will QoS 3");
    }
    if (!willFlag && (willQos != 0 || willRetain)) {
      throw malformed("will QoS or retain set without a will");
    }
    if (!v5 && hasPassword && !hasUser) {
      throw malformed("password without user name");
    }
    int keepAlive = Wire.readShort(in);
    Properties props = v5 ? PropertiesCodec.read(in, PropertiesCodec.CONNECT, true) : Properties.NONE;
    String clientId = Wire.readString(in);
    MqttPacket.Will will = null;
    if (willFlag) {
      Properties wp = v5 ? PropertiesCodec.read(in, PropertiesCodec.WILL, true) : Properties.NONE;
      String topic = Wire.readString(in);
      byte[] payload = Wire.readBinary(in);
      will = new MqttPacket.Will(topic, payload, willQos, willRetain, wp.messageProps(),
          wp.willDelayInterval == null ? 0 : wp.willDelayInterval);
    }
    String user = hasUser ? Wire.readString(in) : null;
    byte[] password = hasPassword ? Wire.readBinary(in) : null;
    return new Connect(level, clean, keepAlive, props, clientId, will, user, password);
  }

  private static MqttPacket connAck(ByteBuf in, boolean v5) throws MalformedPacketException {
    int flags = Wire.readByte(in);
    if ((flags & 0xFE) != 0) {
      throw malformed("CONNACK reserved flags");
    }
    int code = Wire.readByte(in);
    Properties props = v5 ? PropertiesCodec.read(in, PropertiesCodec.CONNACK, false) : Properties.NONE;
    return new MqttPacket.ConnAck((flags & 1) != 0, code, props);
  }

  private static MqttPacket publish(int flags, ByteBuf in, boolean v5, boolean fromClient)
      throws MalformedPacketException {
    boolean dup = (flags & 0x08) != 0;
    int qos = (flags >> 1) & 0x03;
    boolean retain = (flags & 0x01) != 0;
    if (qos == 3) {
      throw malformed("PUBLISH with QoS 3");
    }
    if (qos == 0 && dup) {
      throw malformed("PUBLISH with QoS 0 and DUP set");
    }
    String topic = Wire.readString(in);
    int packetId = 0;
    if (qos > 0) {
      packetId = Wire.readShort(in);
      if (packetId == 0) {
        throw malformed("PUBLISH with packet identifier 0");
      }
    }
    Properties props = v5 ? PropertiesCodec.read(in, PropertiesCodec.PUBLISH, fromClient) : Properties.NONE;
    int alias = props.topicAlias == null ? 0 : props.topicAlias;
    if (props.topicAlias != null && alias == 0) {
      throw new MalformedPacketException(ReasonCode.TOPIC_ALIAS_INVALID, "topic alias 0");
    }
    if (topic.isEmpty() && alias == 0) {
      throw new MalformedPacketException(v5 ? ReasonCode.PROTOCOL_ERROR : ReasonCode.MALFORMED_PACKET,
          "PUBLISH with an empty topic and no topic alias");
    }
    int[] ids = MqttPacket.Publish.NO_IDS;
    if (props.subscriptionIdentifiers != null) {
      ids = props.subscriptionIdentifiers.stream().mapToInt(Integer::intValue).toArray();
    }
    byte[] payload = new byte[in.readableBytes()];
    in.readBytes(payload);
    return new MqttPacket.Publish(topic, qos, retain, dup, packetId, props.messageProps(), payload, alias, ids);
  }

  private static MqttPacket pubReply(int type, ByteBuf in, boolean v5) throws MalformedPacketException {
    int id = Wire.readShort(in);
    if (id == 0) {
      throw malformed(PacketType.name(type) + " with packet identifier 0");
    }
    if (!v5 || !in.isReadable()) {
      return new MqttPacket.PubReply(type, id);
    }
    int code = Wire.readByte(in);
    if (!validPubReplyCode(type, code)) {
      throw protocol(PacketType.name(type) + " with reason code 0x" + Integer.toHexString(code));
    }
    Properties props = in.isReadable() ? PropertiesCodec.read(in, PropertiesCodec.PUBACK, false) : Properties.NONE;
    return new MqttPacket.PubReply(type, id, code, props);
  }

  private static boolean validPubReplyCode(int type, int code) {
    if (type == PacketType.PUBREL || type == PacketType.PUBCOMP) {
      return code == ReasonCode.SUCCESS || code == ReasonCode.PACKET_IDENTIFIER_NOT_FOUND;
    }
    switch (code) {
      case ReasonCode.SUCCESS:
      case ReasonCode.NO_MATCHING_SUBSCRIBERS:
      case ReasonCode.UNSPECIFIED_ERROR:
      case ReasonCode.IMPLEMENTATION_SPECIFIC_ERROR:
      case ReasonCode.NOT_AUTHORIZED:
      case ReasonCode.TOPIC_NAME_INVALID:
      case ReasonCode.PACKET_IDENTIFIER_IN_USE:
      case ReasonCode.QUOTA_EXCEEDED:
      case ReasonCode.PAYLOAD_FORMAT_INVALID:
        return true;
      default:
        return false;
    }
  }

  private static MqttPacket subscribe(ByteBuf in, boolean v5) throws MalformedPacketException {
    int id = Wire.readShort(in);
    if (id == 0) {
      throw malformed("SUBSCRIBE with packet identifier 0");
    }
    Properties props = v5 ? PropertiesCodec.read(in, PropertiesCodec.SUBSCRIBE, true) : Properties.NONE;
    int subId = props.subscriptionIdentifiers == null ? 0 : props.subscriptionIdentifiers.get(0);
    List<Subscription> subs = new ArrayList<>(2);
    while (in.isReadable()) {
      String filter = Wire.readString(in);
      int options = Wire.readByte(in);
      int qos = options & 0x03;
      if (v5) {
        // MQTT 5, 3.8.3.1: reserved bits 6-7 make the packet malformed [MQTT-3.8.3-5]; QoS 3 and
        // retain handling 3 are protocol errors.
        if ((options & 0xC0) != 0) {
          throw malformed("subscription options reserved bits set");
        }
        if (qos == 3) {
          throw protocol("subscription QoS 3");
        }
        int rh = (options >> 4) & 0x03;
        if (rh == 3) {
          throw protocol("retain handling 3");
        }
        subs.add(new Subscription(filter, qos, (options & 0x04) != 0, (options & 0x08) != 0, rh));
      } else {
        // MQTT 3.1.1, 3.8.3.1: non-zero reserved bits 2-7 or QoS 3 are malformed [MQTT-3-8.3-4].
        if ((options & 0xFC) != 0 || qos == 3) {
          throw malformed("subscription options reserved bits set or QoS 3");
        }
        subs.add(new Subscription(filter, qos));
      }
    }
    if (subs.isEmpty()) {
      throw protocol("SUBSCRIBE without a topic filter");
    }
    return new MqttPacket.Subscribe(id, subId, props.userProperties(), subs);
  }

  private static MqttPacket subAck(ByteBuf in, boolean v5) throws MalformedPacketException {
    int id = Wire.readShort(in);
    Properties props = v5 ? PropertiesCodec.read(in, PropertiesCodec.SUBACK, false) : Properties.NONE;
    int[] codes = new int[in.readableBytes()];
    for (int i = 0; i < codes.length; i++) {
      codes[i] = in.readUnsignedByte();
    }
    return new MqttPacket.SubAck(id, codes, props);
  }

  private static MqttPacket unsubscribe(ByteBuf in, boolean v5) throws MalformedPacketException {
    int id = Wire.readShort(in);
    if (id == 0) {
      throw malformed("UNSUBSCRIBE with packet identifier 0");
    }
    Properties props = v5 ? PropertiesCodec.read(in, PropertiesCodec.UNSUBSCRIBE, true) : Properties.NONE;
    List<String> filters = new ArrayList<>(2);
    while (in.isReadable()) {
      filters.add(Wire.readString(in));
    }
    if (filters.isEmpty()) {
      throw protocol("UNSUBSCRIBE without a topic filter");
    }
    return new MqttPacket.Unsubscribe(id, filters, props);
  }

  private static MqttPacket unsubAck(ByteBuf in, boolean v5) throws MalformedPacketException {
    int id = Wire.readShort(in);
    if (!v5) {
      return new MqttPacket.UnsubAck(id, new int[0], Properties.NONE);
    }
    Properties props = PropertiesCodec.read(in, PropertiesCodec.UNSUBACK, false);
    int[] codes = new int[in.readableBytes()];
    for (int i = 0; i < codes.length; i++) {
      codes[i] = in.readUnsignedByte();
    }
    return new MqttPacket.UnsubAck(id, codes, props);
  }

  private static MqttPacket disconnect(ByteBuf in, boolean v5) throws MalformedPacketException {
    if (!v5 || !in.isReadable()) {
      return MqttPacket.Disconnect.NORMAL;
    }
    int code = Wire.readByte(in);
    Properties props = in.isReadable() ? PropertiesCodec.read(in, PropertiesCodec.DISCONNECT, true) : Properties.NONE;
    return new MqttPacket.Disconnect(code, props);
  }

  private static MqttPacket auth(ByteBuf in) throws MalformedPacketException {
    if (!in.isReadable()) {
      return new MqttPacket.Auth(ReasonCode.SUCCESS, Properties.NONE);
    }
    int code = Wire.readByte(in);
    Properties props = in.isReadable() ? PropertiesCodec.read(in, PropertiesCodec.AUTH, true) : Properties.NONE;
    return new MqttPacket.Auth(code, props);
  }
}
