package dev.parley.mqtt.it;

import dev.parley.mqtt.codec.MqttPacket;
import dev.parley.mqtt.codec.Properties;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageIdAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttTopicSubscription;
import io.netty.handler.codec.mqtt.MqttUnsubAckMessage;
import io.netty.handler.codec.mqtt.MqttUnsubscribeMessage;
import io.netty.handler.codec.mqtt.MqttVersion;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes MQTT bytes with Netty's codec-mqtt, an implementation that shares nothing with ours, and
 * hands the result over as our packet records so tests read it the same way. The raw client reads
 * everything the broker sends through it: a mistake shared by our encoder and our decoder (a
 * property id, a flag bit, a length) shows up here instead of cancelling out.
 */
final class IndependentDecoder implements AutoCloseable {
  private final EmbeddedChannel channel;

  /** A decoder for a connection at protocol level {@code level} (4 or 5). */
  IndependentDecoder(int level) {
    channel = new EmbeddedChannel(new MqttDecoder(16 * 1024 * 1024), MqttEncoder.INSTANCE);
    // Netty's codec learns the level from the CONNECT that goes out on the channel, as in a client.
    MqttConnectMessage connect = MqttMessageBuilders.connect().clientId("decoder")
        .protocolVersion(level == 5 ? MqttVersion.MQTT_5 : MqttVersion.MQTT_3_1_1).build();
    channel.writeOutbound(connect);
    channel.releaseOutbound();
  }

  /** Decodes every whole packet in {@code bytes} (a captured stream). */
  List<MqttPacket> decodeAll(byte[] bytes) throws IOException {
    channel.writeInbound(Unpooled.wrappedBuffer(bytes));
    List<MqttPacket> out = new ArrayList<>();
    Object m;
    while ((m = channel.readInbound()) != null) {
      out.add(convert((MqttMessage) m));
    }
    return out;
  }

  /** Decodes exactly one packet. */
  MqttPacket decode(byte[] packet) throws IOException {
    List<MqttPacket> all = decodeAll(packet);
    if (all.size() != 1) {
      throw new IOException("expected one packet, decoded " + all.size());
    }
    return all.get(0);
  }

  /**
   * Decodes one direction of a recorded connection into packets. With {@code webSocket} the bytes
   * are the HTTP upgrade and then WebSocket frames (masked when {@code fromClient}); the MQTT
   * bytes are the frames' payloads joined.
   */
  static List<MqttPacket> decodeRecorded(byte[] raw, int level, boolean webSocket, boolean fromClient)
      throws IOException {
    try (IndependentDecoder d = new IndependentDecoder(level)) {
      return d.decodeAll(webSocket ? webSocketPayload(raw, fromClient) : raw);
    }
  }

  private static byte[] webSocketPayload(byte[] raw, boolean masked) throws IOException {
    String text = new String(raw, StandardCharsets.ISO_8859_1);
    int end = text.indexOf("\r\n\r\n");
    if (end < 0) {
      throw new IOException("no HTTP upgrade in the recording");
    }
    EmbeddedChannel ws = new EmbeddedChannel(new WebSocket08FrameDecoder(masked, false, 16 * 1024 * 1024));
    ws.writeInbound(Unpooled.wrappedBuffer(raw, end + 4, raw.length - end - 4));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    WebSocketFrame f;
    while ((f = ws.readInbound()) != null) {
      try {
        if (f instanceof BinaryWebSocketFrame || f instanceof ContinuationWebSocketFrame) {
          out.write(ByteBufUtil.getBytes(f.content()));
        }
      } finally {
        f.release();
      }
    }
    ws.finishAndReleaseAll();
    return out.toByteArray();
  }

  private static MqttPacket convert(MqttMessage m) throws IOException {
    try {
      if (m.decoderResult().isFailure()) {
        throw new IOException("server sent a packet Netty's codec refuses: " + m.decoderResult().cause(),
            m.decoderResult().cause());
      }
      return switch (m.fixedHeader().messageType()) {
        case CONNECT -> connect((MqttConnectMessage) m);
        case CONNACK -> connAck((MqttConnAckMessage) m);
        case PUBLISH -> publish((MqttPublishMessage) m);
        case PUBACK, PUBREC, PUBREL, PUBCOMP -> pubReply(m);
        case SUBSCRIBE -> subscribe((MqttSubscribeMessage) m);
        case SUBACK -> subAck((MqttSubAckMessage) m);
        case UNSUBSCRIBE -> unsubscribe((MqttUnsubscribeMessage) m);
        case UNSUBACK -> unsubAck((MqttUnsubAckMessage) m);
        case PINGREQ -> MqttPacket.PingReq.INSTANCE;
        case PINGRESP -> MqttPacket.PingResp.INSTANCE;
        case DISCONNECT -> disconnect(m);
        default -> throw new IOException("no conversion for " + m.fixedHeader().messageType());
      };
    } finally {
      io.netty.util.ReferenceCountUtil.release(m);
    }
  }

  private static MqttPacket connect(MqttConnectMessage m) {
    var h = m.variableHeader();
    var p = m.payload();
    MqttPacket.Will will = null;
    if (h.isWillFlag()) {
      Properties wp = properties(p.willProperties());
      will = new MqttPacket.Will(p.willTopic(), p.willMessageInBytes(), h.willQos(), h.isWillRetain(),
          wp.messageProps(), wp.willDelayInterval == null ? 0 : wp.willDelayInterval);
    }
    return new MqttPacket.Connect(h.version(), h.isCleanSession(), h.keepAliveTimeSeconds(),
        properties(h.properties()), p.clientIdentifier(), will, h.hasUserName() ? p.userName() : null,
        h.hasPassword() ? p.passwordInBytes() : null);
  }

  private static MqttPacket unsubscribe(MqttUnsubscribeMessage m) {
    return new MqttPacket.Unsubscribe(m.variableHeader().messageId(), m.payload().topics(),
        properties(m.idAndPropertiesVariableHeader().properties()));
  }

  private static MqttPacket connAck(MqttConnAckMessage m) {
    return new MqttPacket.ConnAck(m.variableHeader().isSessionPresent(),
        m.variableHeader().connectReturnCode().byteValue() & 0xFF, properties(m.variableHeader().properties()));
  }

  private static MqttPacket publish(MqttPublishMessage m) {
    MqttProperties p = m.variableHeader().properties();
    Properties props = properties(p);
    int[] ids = props.subscriptionIdentifiers == null ? MqttPacket.Publish.NO_IDS
        : props.subscriptionIdentifiers.stream().mapToInt(Integer::intValue).toArray();
    ByteBuf payload = m.payload();
    return new MqttPacket.Publish(m.variableHeader().topicName(), m.fixedHeader().qosLevel().value(),
        m.fixedHeader().isRetain(), m.fixedHeader().isDup(), Math.max(0, m.variableHeader().packetId()),
        props.messageProps(), ByteBufUtil.getBytes(payload), props.topicAlias == null ? 0 : props.topicAlias, ids);
  }

  private static MqttPacket pubReply(MqttMessage m) {
    int type = m.fixedHeader().messageType().value();
    Object header = m.variableHeader();
    if (header instanceof MqttPubReplyMessageVariableHeader r) {
      return new MqttPacket.PubReply(type, r.messageId(), r.reasonCode() & 0xFF, properties(r.properties()));
    }
    return new MqttPacket.PubReply(type, ((MqttMessageIdVariableHeader) header).messageId());
  }

  private static MqttPacket subscribe(MqttSubscribeMessage m) {
    MqttMessageIdAndPropertiesVariableHeader h = m.idAndPropertiesVariableHeader();
    Properties props = properties(h.properties());
    List<MqttPacket.Subscription> subs = new ArrayList<>();
    for (MqttTopicSubscription s : m.payload().topicSubscriptions()) {
      subs.add(new MqttPacket.Subscription(s.topicFilter(), s.option().qos().value(), s.option().isNoLocal(),
          s.option().isRetainAsPublished(), s.option().retainHandling().value()));
    }
    int subId = props.subscriptionIdentifiers == null ? 0 : props.subscriptionIdentifiers.get(0);
    return new MqttPacket.Subscribe(h.messageId(), subId, props.userProperties(), subs);
  }

  private static MqttPacket subAck(MqttSubAckMessage m) {
    int[] codes = m.payload().reasonCodes().stream().mapToInt(Integer::intValue).toArray();
    return new MqttPacket.SubAck(m.variableHeader().messageId(), codes,
        properties(m.idAndPropertiesVariableHeader().properties()));
  }

  private static MqttPacket unsubAck(MqttUnsubAckMessage m) {
    List<Short> codes = m.payload() == null ? List.of() : m.payload().unsubscribeReasonCodes();
    return new MqttPacket.UnsubAck(m.variableHeader().messageId(),
        codes.stream().mapToInt(c -> c & 0xFF).toArray(), properties(m.idAndPropertiesVariableHeader().properties()));
  }

  private static MqttPacket disconnect(MqttMessage m) {
    if (m.variableHeader() instanceof MqttReasonCodeAndPropertiesVariableHeader h) {
      return new MqttPacket.Disconnect(h.reasonCode() & 0xFF, properties(h.properties()));
    }
    return MqttPacket.Disconnect.NORMAL;
  }

  /** Netty's property list as ours, field by field ({@link Properties#NONE} when empty). */
  @SuppressWarnings("unchecked")
  static Properties properties(MqttProperties in) {
    if (in == null || in.isEmpty()) {
      return Properties.NONE;
    }
    Properties p = new Properties();
    for (MqttProperties.MqttProperty<?> prop : in.listAll()) {
      Object v = prop.value();
      switch (prop.propertyId()) {
        case Properties.PAYLOAD_FORMAT_INDICATOR -> p.payloadFormatIndicator = (Integer) v;
        case Properties.MESSAGE_EXPIRY_INTERVAL -> p.messageExpiryInterval = unsigned((Integer) v);
        case Properties.CONTENT_TYPE -> p.contentType = (String) v;
        case Properties.RESPONSE_TOPIC -> p.responseTopic = (String) v;
        case Properties.CORRELATION_DATA -> p.correlationData = (byte[]) v;
        case Properties.SUBSCRIPTION_IDENTIFIER -> {
          if (p.subscriptionIdentifiers == null) {
            p.subscriptionIdentifiers = new ArrayList<>();
          }
          p.subscriptionIdentifiers.add((Integer) v);
        }
        case Properties.SESSION_EXPIRY_INTERVAL -> p.sessionExpiryInterval = unsigned((Integer) v);
        case Properties.ASSIGNED_CLIENT_IDENTIFIER -> p.assignedClientIdentifier = (String) v;
        case Properties.SERVER_KEEP_ALIVE -> p.serverKeepAlive = (Integer) v;
        case Properties.AUTHENTICATION_METHOD -> p.authenticationMethod = (String) v;
        case Properties.AUTHENTICATION_DATA -> p.authenticationData = (byte[]) v;
        case Properties.REQUEST_PROBLEM_INFORMATION -> p.requestProblemInformation = (Integer) v;
        case Properties.WILL_DELAY_INTERVAL -> p.willDelayInterval = unsigned((Integer) v);
        case Properties.REQUEST_RESPONSE_INFORMATION -> p.requestResponseInformation = (Integer) v;
        case Properties.RESPONSE_INFORMATION -> p.responseInformation = (String) v;
        case Properties.SERVER_REFERENCE -> p.serverReference = (String) v;
        case Properties.REASON_STRING -> p.reasonString = (String) v;
        case Properties.RECEIVE_MAXIMUM -> p.receiveMaximum = (Integer) v;
        case Properties.TOPIC_ALIAS_MAXIMUM -> p.topicAliasMaximum = (Integer) v;
        case Properties.TOPIC_ALIAS -> p.topicAlias = (Integer) v;
        case Properties.MAXIMUM_QOS -> p.maximumQos = (Integer) v;
        case Properties.RETAIN_AVAILABLE -> p.retainAvailable = (Integer) v;
        case Properties.USER_PROPERTY -> {
          for (MqttProperties.StringPair pair : (List<MqttProperties.StringPair>) v) {
            p.addUserProperty(pair.key, pair.value);
          }
        }
        case Properties.MAXIMUM_PACKET_SIZE -> p.maximumPacketSize = unsigned((Integer) v);
        case Properties.WILDCARD_SUBSCRIPTION_AVAILABLE -> p.wildcardSubscriptionAvailable = (Integer) v;
        case Properties.SUBSCRIPTION_IDENTIFIER_AVAILABLE -> p.subscriptionIdentifierAvailable = (Integer) v;
        case Properties.SHARED_SUBSCRIPTION_AVAILABLE -> p.sharedSubscriptionAvailable = (Integer) v;
        default -> throw new IllegalArgumentException("property 0x" + Integer.toHexString(prop.propertyId())
            + " that our packets have no field for");
      }
    }
    return p;
  }

  private static long unsigned(int v) {
    return v & 0xFFFFFFFFL;
  }

  @Override
  public void close() {
    channel.finishAndReleaseAll();
  }
}
