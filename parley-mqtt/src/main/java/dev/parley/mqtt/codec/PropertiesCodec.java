package dev.parley.mqtt.codec;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads and writes MQTT 5 property lists. Reading checks that each property is allowed in the
 * packet at hand, appears at most once (user properties and, server to client, subscription
 * identifiers may repeat) and has a legal value.
 */
final class PropertiesCodec {
  private PropertiesCodec() {}

  /** Where a property list sits: one bit per packet (or will) kind. */
  public static final int CONNECT = 1;
  public static final int CONNACK = 1 << 1;
  public static final int PUBLISH = 1 << 2;
  public static final int WILL = 1 << 3;
  public static final int PUBACK = 1 << 4;
  public static final int SUBSCRIBE = 1 << 5;
  public static final int SUBACK = 1 << 6;
  public static final int UNSUBSCRIBE = 1 << 7;
  public static final int UNSUBACK = 1 << 8;
  public static final int DISCONNECT = 1 << 9;
  public static final int AUTH = 1 << 10;

  private static final int[] ALLOWED = new int[0x2B];

  static {
    ALLOWED[Properties.PAYLOAD_FORMAT_INDICATOR] = PUBLISH | WILL;
    ALLOWED[Properties.MESSAGE_EXPIRY_INTERVAL] = PUBLISH | WILL;
    ALLOWED[Properties.CONTENT_TYPE] = PUBLISH | WILL;
    ALLOWED[Properties.RESPONSE_TOPIC] = PUBLISH | WILL;
    ALLOWED[Properties.CORRELATION_DATA] = PUBLISH | WILL;
    ALLOWED[Properties.SUBSCRIPTION_IDENTIFIER] = PUBLISH | SUBSCRIBE;
    ALLOWED[Properties.SESSION_EXPIRY_INTERVAL] = CONNECT | CONNACK | DISCONNECT;
    ALLOWED[Properties.ASSIGNED_CLIENT_IDENTIFIER] = CONNACK;
    ALLOWED[Properties.SERVER_KEEP_ALIVE] = CONNACK;
    ALLOWED[Properties.AUTHENTICATION_METHOD] = CONNECT | CONNACK | AUTH;
    ALLOWED[Properties.AUTHENTICATION_DATA] = CONNECT | CONNACK | AUTH;
    ALLOWED[Properties.REQUEST_PROBLEM_INFORMATION] = CONNECT;
    ALLOWED[Properties.WILL_DELAY_INTERVAL] = WILL;
    ALLOWED[Properties.REQUEST_RESPONSE_INFORMATION] = CONNECT;
    ALLOWED[Properties.RESPONSE_INFORMATION] = CONNACK;
    ALLOWED[Properties.SERVER_REFERENCE] = CONNACK | DISCONNECT;
    ALLOWED[Properties.REASON_STRING] = CONNACK | PUBACK | SUBACK | UNSUBACK | DISCONNECT | AUTH;
    ALLOWED[Properties.RECEIVE_MAXIMUM] = CONNECT | CONNACK;
    ALLOWED[Properties.TOPIC_ALIAS_MAXIMUM] = CONNECT | CONNACK;
    ALLOWED[Properties.TOPIC_ALIAS] = PUBLISH;
    ALLOWED[Properties.MAXIMUM_QOS] = CONNACK;
    ALLOWED[Properties.RETAIN_AVAILABLE] = CONNACK;
    ALLOWED[Properties.USER_PROPERTY] = ~0;
    ALLOWED[Properties.MAXIMUM_PACKET_SIZE] = CONNECT | CONNACK;
    ALLOWED[Properties.WILDCARD_SUBSCRIPTION_AVAILABLE] = CONNACK;
    ALLOWED[Properties.SUBSCRIPTION_IDENTIFIER_AVAILABLE] = CONNACK;
    ALLOWED[Properties.SHARED_SUBSCRIPTION_AVAILABLE] = CONNACK;
  }

  /**
   * Reads a property list (its length, then the properties) for packet kind {@code where}.
   *
   * @param fromClient whether a client sent it (a client may not send subscription identifiers in PUBLISH)
   */
  public static Properties read(ByteBuf in, int where, boolean fromClient) throws MalformedPacketException {
    int len = Wire.readVarInt(in);
    if (len == 0) {
      return Properties.NONE;
    }
    if (len > in.readableBytes()) {
      throw MalformedPacketException.malformed("property length " + len + " exceeds the packet");
    }
    ByteBuf p = in.readSlice(len);
    Properties out = new Properties();
    while (p.isReadable()) {
      int id = Wire.readVarInt(p);
      if (id >= ALLOWED.length || (ALLOWED[id] & where) == 0) {
        throw MalformedPacketException.malformed("property 0x" + Integer.toHexString(id) + " is not valid here");
      }
      readOne(p, id, out, where, fromClient);
    }
    return out;
  }

  private static void readOne(ByteBuf p, int id, Properties out, int where, boolean fromClient)
      throws MalformedPacketException {
    switch (id) {
      case Properties.PAYLOAD_FORMAT_INDICATOR:
        once(out.payloadFormatIndicator, id);
        out.payloadFormatIndicator = flag(p, id);
        break;
      case Properties.MESSAGE_EXPIRY_INTERVAL:
        once(out.messageExpiryInterval, id);
        out.messageExpiryInterval = Wire.readInt(p);
        break;
      case Properties.CONTENT_TYPE:
        once(out.contentType, id);
        out.contentType = Wire.readString(p);
        break;
      case Properties.RESPONSE_TOPIC:
        once(out.responseTopic, id);
        out.responseTopic = Wire.readString(p);
        if (out.responseTopic.indexOf('+') >= 0 || out.responseTopic.indexOf('#') >= 0) {
          throw MalformedPacketException.protocol("response topic must not contain wildcards");
        }
        break;
      case Properties.CORRELATION_DATA:
        once(out.correlationData, id);
        out.correlationData = Wire.readBinary(p);
        break;
      case Properties.SUBSCRIPTION_IDENTIFIER: {
        if (where == PUBLISH && fromClient) {
          throw MalformedPacketException.protocol("a client must not send a subscription identifier in PUBLISH");
        }
        if (where == SUBSCRIBE && out.subscriptionIdentifiers != null) {
          throw MalformedPacketException.protocol("subscription identifier given twice");
        }
        int v = Wire.readVarInt(p);
        if (v == 0) {
          throw MalformedPacketException.protocol("subscription identifier 0");
        }
        if (out.subscriptionIdentifiers == null) {
          out.subscriptionIdentifiers = new ArrayList<>(1);
        }
        out.subscriptionIdentifiers.add(v);
        break;
      }
      case Properties.SESSION_EXPIRY_INTERVAL:
        once(out.sessionExpiryInterval, id);
        out.sessionExpiryInterval = Wire.readInt(p);
        break;
      case Properties.ASSIGNED_CLIENT_IDENTIFIER:
        once(out.assignedClientIdentifier, id);
        out.assignedClientIdentifier = Wire.readString(p);
        break;
      case Properties.SERVER_KEEP_ALIVE:
        once(out.serverKeepAlive, id);
        out.serverKeepAlive = Wire.readShort(p);
        break;
      case Properties.AUTHENTICATION_METHOD:
        once(out.authenticationMethod, id);
        out.authenticationMethod = Wire.readString(p);
        break;
      case Properties.AUTHENTICATION_DATA:
        once(out.authenticationData, id);
        out.authenticationData = Wire.readBinary(p);
        break;
      case Properties.REQUEST_PROBLEM_INFORMATION:
        once(out.requestProblemInformation, id);
        out.requestProblemInformation = flag(p, id);
        break;
      case Properties.WILL_DELAY_INTERVAL:
        once(out.willDelayInterval, id);
        out.willDelayInterval = Wire.readInt(p);
        break;
      case Properties.REQUEST_RESPONSE_INFORMATION:
        once(out.requestResponseInformation, id);
        out.requestResponseInformation = flag(p, id);
        break;
      case Properties.RESPONSE_INFORMATION:
        once(out.responseInformation, id);
        out.responseInformation = Wire.readString(p);
        break;
      case Properties.SERVER_REFERENCE:
        once(out.serverReference, id);
        out.serverReference = Wire.readString(p);
        break;
      case Properties.REASON_STRING:
        once(out.reasonString, id);
        out.reasonString = Wire.readString(p);
        break;
      case Properties.RECEIVE_MAXIMUM:
        once(out.receiveMaximum, id);
        out.receiveMaximum = nonZero(Wire.readShort(p), id);
        break;
      case Properties.TOPIC_ALIAS_MAXIMUM:
        once(out.topicAliasMaximum, id);
        out.topicAliasMaximum = Wire.readShort(p);
        break;
      case Properties.TOPIC_ALIAS:
        once(out.topicAlias, id);
        out.topicAlias = Wire.readShort(p);
        break;
      case Properties.MAXIMUM_QOS: {
        once(out.maximumQos, id);
        out.maximumQos = flag(p, id);
        break;
      }
      case Properties.RETAIN_AVAILABLE:
        once(out.retainAvailable, id);
        out.retainAvailable = flag(p, id);
        break;
      case Properties.USER_PROPERTY:
        out.addUserProperty(Wire.readString(p), Wire.readString(p));
        break;
      case Properties.MAXIMUM_PACKET_SIZE:
        once(out.maximumPacketSize, id);
        out.maximumPacketSize = Wire.readInt(p);
        if (out.maximumPacketSize == 0) {
          throw MalformedPacketException.protocol("maximum packet size 0");
        }
        break;
      case Properties.WILDCARD_SUBSCRIPTION_AVAILABLE:
        once(out.wildcardSubscriptionAvailable, id);
        out.wildcardSubscriptionAvailable = flag(p, id);
        break;
      case Properties.SUBSCRIPTION_IDENTIFIER_AVAILABLE:
        once(out.subscriptionIdentifierAvailable, id);
        out.subscriptionIdentifierAvailable = flag(p, id);
        break;
      case Properties.SHARED_SUBSCRIPTION_AVAILABLE:
        once(out.sharedSubscriptionAvailable, id);
        out.sharedSubscriptionAvailable = flag(p, id);
        break;
      default:
        throw MalformedPacketException.malformed("unknown property 0x" + Integer.toHexString(id));
    }
  }

  private static void once(Object current, int id) throws MalformedPacketException {
    if (current != null) {
      throw MalformedPacketException.protocol("property 0x" + Integer.toHexString(id) + " given twice");
    }
  }

  private static int flag(ByteBuf p, int id) throws MalformedPacketException {
    int v = Wire.readByte(p);
    if (v > 1) {
      throw MalformedPacketException.protocol("property 0x" + Integer.toHexString(id) + " must be 0 or 1, not " + v);
    }
    return v;
  }

  private static int nonZero(int v, int id) throws MalformedPacketException {
    if (v == 0) {
      throw MalformedPacketException.protocol("property 0x" + Integer.toHexString(id) + " must not be 0");
    }
    return v;
  }

  // --- writing ---------------------------------------------------------------------------

  /** Bytes of the property list body (without its length prefix). */
  public static int size(Properties p) {
    if (p == Properties.NONE) {
      return 0;
    }
    int n = 0;
    n += p.payloadFormatIndicator != null ? 2 : 0;
    n += p.messageExpiryInterval != null ? 5 : 0;
    n += p.contentType != null ? 1 + Wire.stringSize(p.contentType) : 0;
    n += p.responseTopic != null ? 1 + Wire.stringSize(p.responseTopic) : 0;
    n += p.correlationData != null ? 3 + p.correlationData.length : 0;
    if (p.subscriptionIdentifiers != null) {
      for (int id : p.subscriptionIdentifiers) {
        n += 1 + Wire.varIntSize(id);
      }
    }
    n += p.sessionExpiryInterval != null ? 5 : 0;
    n += p.assignedClientIdentifier != null ? 1 + Wire.stringSize(p.assignedClientIdentifier) : 0;
    n += p.serverKeepAlive != null ? 3 : 0;
    n += p.authenticationMethod != null ? 1 + Wire.stringSize(p.authenticationMethod) : 0;
    n += p.authenticationData != null ? 3 + p.authenticationData.length : 0;
    n += p.requestProblemInformation != null ? 2 : 0;
    n += p.willDelayInterval != null ? 5 : 0;
    n += p.requestResponseInformation != null ? 2 : 0;
    n += p.responseInformation != null ? 1 + Wire.stringSize(p.responseInformation) : 0;
    n += p.serverReference != null ? 1 + Wire.stringSize(p.serverReference) : 0;
    n += p.reasonString != null ? 1 + Wire.stringSize(p.reasonString) : 0;
    n += p.receiveMaximum != null ? 3 : 0;
    n += p.topicAliasMaximum != null ? 3 : 0;
    n += p.topicAlias != null ? 3 : 0;
    n += p.maximumQos != null ? 2 : 0;
    n += p.retainAvailable != null ? 2 : 0;
    n += userPropertiesSize(p.userProperties());
    n += p.maximumPacketSize != null ? 5 : 0;
    n += p.wildcardSubscriptionAvailable != null ? 2 : 0;
    n += p.subscriptionIdentifierAvailable != null ? 2 : 0;
    n += p.sharedSubscriptionAvailable != null ? 2 : 0;
    return n;
  }

  /** Writes the property list body of {@code size} bytes (the caller writes the length first). */
  public static void write(ByteBuf out, Properties p) {
    if (p == Properties.NONE) {
      return;
    }
    byteProp(out, Properties.PAYLOAD_FORMAT_INDICATOR, p.payloadFormatIndicator);
    intProp(out, Properties.MESSAGE_EXPIRY_INTERVAL, p.messageExpiryInterval);
    stringProp(out, Properties.CONTENT_TYPE, p.contentType);
    stringProp(out, Properties.RESPONSE_TOPIC, p.responseTopic);
    binaryProp(out, Properties.CORRELATION_DATA, p.correlationData);
    if (p.subscriptionIdentifiers != null) {
      for (int id : p.subscriptionIdentifiers) {
        out.writeByte(Properties.SUBSCRIPTION_IDENTIFIER);
        Wire.writeVarInt(out, id);
      }
    }
    intProp(out, Properties.SESSION_EXPIRY_INTERVAL, p.sessionExpiryInterval);
    stringProp(out, Properties.ASSIGNED_CLIENT_IDENTIFIER, p.assignedClientIdentifier);
    shortProp(out, Properties.SERVER_KEEP_ALIVE, p.serverKeepAlive);
    stringProp(out, Properties.AUTHENTICATION_METHOD, p.authenticationMethod);
    binaryProp(out, Properties.AUTHENTICATION_DATA, p.authenticationData);
    byteProp(out, Properties.REQUEST_PROBLEM_INFORMATION, p.requestProblemInformation);
    intProp(out, Properties.WILL_DELAY_INTERVAL, p.willDelayInterval);
    byteProp(out, Properties.REQUEST_RESPONSE_INFORMATION, p.requestResponseInformation);
    stringProp(out, Properties.RESPONSE_INFORMATION, p.responseInformation);
    stringProp(out, Properties.SERVER_REFERENCE, p.serverReference);
    stringProp(out, Properties.REASON_STRING, p.reasonString);
    shortProp(out, Properties.RECEIVE_MAXIMUM, p.receiveMaximum);
    shortProp(out, Properties.TOPIC_ALIAS_MAXIMUM, p.topicAliasMaximum);
    shortProp(out, Properties.TOPIC_ALIAS, p.topicAlias);
    byteProp(out, Properties.MAXIMUM_QOS, p.maximumQos);
    byteProp(out, Properties.RETAIN_AVAILABLE, p.retainAvailable);
    writeUserProperties(out, p.userProperties());
    intProp(out, Properties.MAXIMUM_PACKET_SIZE, p.maximumPacketSize);
    byteProp(out, Properties.WILDCARD_SUBSCRIPTION_AVAILABLE, p.wildcardSubscriptionAvailable);
    byteProp(out, Properties.SUBSCRIPTION_IDENTIFIER_AVAILABLE, p.subscriptionIdentifierAvailable);
    byteProp(out, Properties.SHARED_SUBSCRIPTION_AVAILABLE, p.sharedSubscriptionAvailable);
  }

  /** Bytes of a PUBLISH's property list body. */
  public static int publishSize(MessageProps m, int topicAlias, int[] subscriptionIds) {
    int n = 0;
    if (m != MessageProps.NONE) {
      n += m.utf8Payload() ? 2 : 0;
      n += m.messageExpirySeconds() >= 0 ? 5 : 0;
      n += m.contentType() != null ? 1 + Wire.stringSize(m.contentType()) : 0;
      n += m.responseTopic() != null ? 1 + Wire.stringSize(m.responseTopic()) : 0;
      n += m.correlationData() != null ? 3 + m.correlationData().length : 0;
      n += userPropertiesSize(m.userProperties());
    }
    n += topicAlias > 0 ? 3 : 0;
    for (int id : subscriptionIds) {
      n += 1 + Wire.varIntSize(id);
    }
    return n;
  }

  public static void writePublish(ByteBuf out, MessageProps m, int topicAlias, int[] subscriptionIds) {
    if (m != MessageProps.NONE) {
      if (m.utf8Payload()) {
        out.writeByte(Properties.PAYLOAD_FORMAT_INDICATOR).writeByte(1);
      }
      if (m.messageExpirySeconds() >= 0) {
        out.writeByte(Properties.MESSAGE_EXPIRY_INTERVAL).writeInt((int) m.messageExpirySeconds());
      }
      stringProp(out, Properties.CONTENT_TYPE, m.contentType());
      stringProp(out, Properties.RESPONSE_TOPIC, m.responseTopic());
      binaryProp(out, Properties.CORRELATION_DATA, m.correlationData());
      writeUserProperties(out, m.userProperties());
    }
    if (topicAlias > 0) {
      out.writeByte(Properties.TOPIC_ALIAS).writeShort(topicAlias);
    }
    for (int id : subscriptionIds) {
      out.writeByte(Properties.SUBSCRIPTION_IDENTIFIER);
      Wire.writeVarInt(out, id);
    }
  }

  private static int userPropertiesSize(List<UserProperty> props) {
    int n = 0;
    for (UserProperty u : props) {
      n += 1 + Wire.stringSize(u.name()) + Wire.stringSize(u.value());
    }
    return n;
  }

  private static void writeUserProperties(ByteBuf out, List<UserProperty> props) {
    for (UserProperty u : props) {
      out.writeByte(Properties.USER_PROPERTY);
      Wire.writeString(out, u.name());
      Wire.writeString(out, u.value());
    }
  }

  private static void byteProp(ByteBuf out, int id, Integer v) {
    if (v != null) {
      out.writeByte(id).writeByte(v);
    }
  }

  private static void shortProp(ByteBuf out, int id, Integer v) {
    if (v != null) {
      out.writeByte(id).writeShort(v);
    }
  }

  private static void intProp(ByteBuf out, int id, Long v) {
    if (v != null) {
      out.writeByte(id).writeInt((int) (long) v);
    }
  }

  private static void stringProp(ByteBuf out, int id, String v) {
    if (v != null) {
      out.writeByte(id);
      Wire.writeString(out, v);
    }
  }

  private static void binaryProp(ByteBuf out, int id, byte[] v) {
    if (v != null) {
      out.writeByte(id);
      Wire.writeBinary(out, v);
    }
  }
}
