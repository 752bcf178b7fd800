package dev.parley.mqtt.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every packet and property against byte fixtures written from the specification (MQTT 3.1.1
 * and 5.0), in both directions: the decoder reads the fixture into the packet and the encoder
 * writes the packet into exactly the fixture. The fixtures, not our own encoder, say what is right.
 */
class WireFormatTest {
  static byte[] bytes(int... b) {
    byte[] out = new byte[b.length];
    for (int i = 0; i < b.length; i++) {
      out[i] = (byte) b[i];
    }
    return out;
  }

  static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int i = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, i, p.length);
      i += p.length;
    }
    return out;
  }

  /** A UTF-8 string field: two length bytes, then the bytes. */
  static byte[] str(String s) {
    byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    return concat(bytes(b.length >> 8, b.length & 0xFF), b);
  }

  static Object decode(int level, boolean fromClient, byte[] packet) {
    MqttDecoder d = new MqttDecoder(1 << 20, fromClient);
    d.level(level);
    EmbeddedChannel ch = new EmbeddedChannel(d);
    ch.writeInbound(Unpooled.wrappedBuffer(packet));
    Object out = ch.readInbound();
    ch.finishAndReleaseAll();
    return out;
  }

  static byte[] encode(MqttPacket p, int level) {
    ByteBuf b = MqttEncoder.encode(io.netty.buffer.UnpooledByteBufAllocator.DEFAULT, p, level);
    // Sized first, so each packet is written into one buffer of exactly its length.
    assertThat(b.capacity()).as("buffer of " + p).isEqualTo(b.readableBytes());
    byte[] out = new byte[b.readableBytes()];
    b.readBytes(out);
    b.release();
    assertThat(MqttEncoder.size(p, level)).as("size of " + p).isEqualTo(out.length);
    return out;
  }

  static int reason(Object o) {
    assertThat(o).isInstanceOf(DecodeFailure.class);
    return ((DecodeFailure) o).reasonCode();
  }

  /** Reads a property list body (no length) for packet kind {@code where}. */
  static Properties readProps(byte[] body, int where, boolean fromClient) throws MalformedPacketException {
    ByteBuf b = Unpooled.buffer();
    Wire.writeVarInt(b, body.length);
    b.writeBytes(body);
    Properties p = PropertiesCodec.read(b, where, fromClient);
    assertThat(b.isReadable()).isFalse();
    return p;
  }

  static byte[] writeProps(Properties p) {
    ByteBuf b = Unpooled.buffer();
    PropertiesCodec.write(b, p);
    byte[] out = new byte[b.readableBytes()];
    b.readBytes(out);
    assertThat(PropertiesCodec.size(p)).isEqualTo(out.length);
    return out;
  }

  static int failure(byte[] body, int where, boolean fromClient) {
    try {
      readProps(body, where, fromClient);
    } catch (MalformedPacketException e) {
      return e.reasonCode();
    }
    throw new AssertionError("no failure");
  }

  // --- properties ----------------------------------------------------------------------

  @Test
  void connectProperties() throws Exception {
    byte[] body = concat(
        bytes(0x11, 0x00, 0x00, 0x01, 0x2C),           // session expiry 300
        bytes(0x15), str("m"),                          // authentication method
        bytes(0x16, 0x00, 0x02, 0x0A, 0x0B),           // authentication data
        bytes(0x17, 0x00),                              // request problem information 0
        bytes(0x19, 0x01),                              // request response information 1
        bytes(0x21, 0x01, 0x00),                        // receive maximum 256
        bytes(0x22, 0x00, 0x07),                        // topic alias maximum 7
        bytes(0x26), str("k"), str("v"),                // user property
        bytes(0x27, 0x00, 0x01, 0x00, 0x00));          // maximum packet size 65536
    Properties p = readProps(body, PropertiesCodec.CONNECT, true);
    assertThat(p.sessionExpiryInterval).isEqualTo(300L);
    assertThat(p.authenticationMethod).isEqualTo("m");
    assertThat(p.authenticationData).containsExactly(0x0A, 0x0B);
    assertThat(p.requestProblemInformation).isZero();
    assertThat(p.requestResponseInformation).isEqualTo(1);
    assertThat(p.receiveMaximum).isEqualTo(256);
    assertThat(p.topicAliasMaximum).isEqualTo(7);
    assertThat(p.userProperties()).containsExactly(new UserProperty("k", "v"));
    assertThat(p.maximumPacketSize).isEqualTo(65536L);
    assertThat(writeProps(p)).containsExactly(body);
  }

  @Test
  void connackProperties() throws Exception {
    byte[] body = concat(
        bytes(0x11, 0xFF, 0xFF, 0xFF, 0xFF),           // session expiry: never
        bytes(0x12), str("auto-1"),                     // assigned client identifier
        bytes(0x13, 0x00, 0x78),                        // server keep alive 120
        bytes(0x1A), str("info"),                       // response information
        bytes(0x1C), str("other:1883"),                 // server reference
        bytes(0x1F), str("why"),                        // reason string
        bytes(0x21, 0x00, 0x0A),                        // receive maximum 10
        bytes(0x22, 0x00, 0x40),                        // topic alias maximum 64
        bytes(0x24, 0x01),                              // maximum QoS 1
        bytes(0x25, 0x00),                              // retain available 0
        bytes(0x26), str("a"), str("b"),
        bytes(0x26), str("a"), str("c"),                // user properties repeat, in order
        bytes(0x27, 0x80, 0x00, 0x00, 0x00),           // maximum packet size 2^31
        bytes(0x28, 0x01),                              // wildcard subscriptions available
        bytes(0x29, 0x00),                              // subscription identifiers not available
        bytes(0x2A, 0x01));                             // shared subscriptions available
    Properties p = readProps(body, PropertiesCodec.CONNACK, false);
    assertThat(p.sessionExpiryInterval).isEqualTo(0xFFFFFFFFL);
    assertThat(p.assignedClientIdentifier).isEqualTo("auto-1");
    assertThat(p.serverKeepAlive).isEqualTo(120);
    assertThat(p.responseInformation).isEqualTo("info");
    assertThat(p.serverReference).isEqualTo("other:1883");
    assertThat(p.reasonString).isEqualTo("why");
    assertThat(p.receiveMaximum).isEqualTo(10);
    assertThat(p.topicAliasMaximum).isEqualTo(64);
    assertThat(p.maximumQos).isEqualTo(1);
    assertThat(p.retainAvailable).isZero();
    assertThat(p.userProperties()).containsExactly(new UserProperty("a", "b"), new UserProperty("a", "c"));
    assertThat(p.maximumPacketSize).isEqualTo(0x80000000L);
    assertThat(p.wildcardSubscriptionAvailable).isEqualTo(1);
    assertThat(p.subscriptionIdentifierAvailable).isZero();
    assertThat(p.sharedSubscriptionAvailable).isEqualTo(1);
    assertThat(writeProps(p)).containsExactly(body);
  }

  @Test
  void publishAndWillProperties() throws Exception {
    byte[] message = concat(
        bytes(0x01, 0x01),                              // payload format: UTF-8
        bytes(0x02, 0x00, 0x00, 0x0E, 0x10),           // message expiry 3600
        bytes(0x03), str("text/plain"),                 // content type
        bytes(0x08), str("re/ply"),                     // response topic
        bytes(0x09, 0x00, 0x01, 0x2A));                // correlation data
    byte[] publish = concat(message,
        bytes(0x0B, 0x05),                              // subscription identifier 5
        bytes(0x0B, 0x80, 0x01),                        // subscription identifier 128
        bytes(0x23, 0x00, 0x03),                        // topic alias 3
        bytes(0x26), str("u"), str("1"));
    Properties p = readProps(publish, PropertiesCodec.PUBLISH, false);
    assertThat(p.payloadFormatIndicator).isEqualTo(1);
    assertThat(p.messageExpiryInterval).isEqualTo(3600L);
    assertThat(p.contentType).isEqualTo("text/plain");
    assertThat(p.responseTopic).isEqualTo("re/ply");
    assertThat(p.correlationData).containsExactly(0x2A);
    assertThat(p.subscriptionIdentifiers).containsExactly(5, 128);
    assertThat(p.topicAlias).isEqualTo(3);
    assertThat(writeProps(p)).containsExactly(publish);
    MessageProps m = p.messageProps();
    assertThat(m.utf8Payload()).isTrue();
    assertThat(m.messageExpirySeconds()).isEqualTo(3600);
    assertThat(m.userProperties()).containsExactly(new UserProperty("u", "1"));
    // The PUBLISH writer puts the message properties first, then alias and identifiers.
    ByteBuf b = Unpooled.buffer();
    PropertiesCodec.writePublish(b, m, 3, new int[] {5, 128});
    byte[] written = new byte[b.readableBytes()];
    b.readBytes(written);
    assertThat(PropertiesCodec.publishSize(m, 3, new int[] {5, 128})).isEqualTo(written.length);
    assertThat(written).containsExactly(concat(message, bytes(0x26), str("u"), str("1"), bytes(0x23, 0x00, 0x03),
        bytes(0x0B, 0x05), bytes(0x0B, 0x80, 0x01)));

    byte[] will = concat(bytes(0x18, 0x00, 0x00, 0x00, 0x1E), message);
    Properties w = readProps(will, PropertiesCodec.WILL, true);
    assertThat(w.willDelayInterval).isEqualTo(30L);
    assertThat(writeProps(w)).hasSize(will.length).startsWith(message).endsWith(0x18, 0x00, 0x00, 0x00, 0x1E);
    assertThat(w.messageProps().contentType()).isEqualTo("text/plain");
    assertThat(failure(will, PropertiesCodec.PUBLISH, true)).isEqualTo(ReasonCode.MALFORMED_PACKET);
  }

  @Test
  void disconnectAndAckProperties() throws Exception {
    byte[] disconnect = concat(bytes(0x11, 0x00, 0x00, 0x00, 0x00), bytes(0x1C), str("s"), bytes(0x1F), str("r"));
    Properties d = readProps(disconnect, PropertiesCodec.DISCONNECT, true);
    assertThat(d.sessionExpiryInterval).isZero();
    assertThat(d.serverReference).isEqualTo("s");
    assertThat(d.reasonString).isEqualTo("r");
    for (int where : new int[] {PropertiesCodec.PUBACK, PropertiesCodec.SUBACK, PropertiesCodec.UNSUBACK,
        PropertiesCodec.AUTH}) {
      assertThat(readProps(concat(bytes(0x1F), str("r")), where, false).reasonString).isEqualTo("r");
    }
    assertThat(readProps(concat(bytes(0x15), str("m"), bytes(0x16, 0x00, 0x00)), PropertiesCodec.AUTH, true)
        .authenticationData).isEmpty();
    assertThat(readProps(bytes(0x0B, 0x07), PropertiesCodec.SUBSCRIBE, true).subscriptionIdentifiers)
        .containsExactly(7);
    assertThat(readProps(concat(bytes(0x26), str("x"), str("y")), PropertiesCodec.UNSUBSCRIBE, true)
        .userProperties()).hasSize(1);
    assertThat(readProps(new byte[0], PropertiesCodec.CONNECT, true)).isSameAs(Properties.NONE);
    assertThat(writeProps(Properties.NONE)).isEmpty();
  }

  @Test
  void aPropertyOutsideItsPacketIsMalformed() {
    int[][] wrong = {
        {PropertiesCodec.CONNECT, 0x23, 0x00, 0x01},        // topic alias in CONNECT
        {PropertiesCodec.PUBLISH, 0x11, 0, 0, 0, 1},       // session expiry in PUBLISH
        {PropertiesCodec.SUBSCRIBE, 0x1F, 0x00, 0x00},      // reason string in SUBSCRIBE
        {PropertiesCodec.CONNACK, 0x18, 0, 0, 0, 1},       // will delay in CONNACK
        {PropertiesCodec.DISCONNECT, 0x21, 0x00, 0x01},     // receive maximum in DISCONNECT
        {PropertiesCodec.AUTH, 0x17, 0x01},                 // request problem information in AUTH
        {PropertiesCodec.CONNECT, 0x00},                    // no property 0
        {PropertiesCodec.CONNECT, 0x04},                    // an unassigned id
        {PropertiesCodec.CONNECT, 0x2B},                    // past the last id
        {PropertiesCodec.CONNECT, 0x80, 0x01},              // a two-byte id, 128
    };
    for (int[] c : wrong) {
      int[] body = java.util.Arrays.copyOfRange(c, 1, c.length);
      assertThat(failure(bytes(body), c[0], true)).as(java.util.Arrays.toString(c))
          .isEqualTo(ReasonCode.MALFORMED_PACKET);
    }
  }

  @Test
  void aPropertyGivenTwiceIsAProtocolError() {
    int[][] once = {
        {PropertiesCodec.PUBLISH, 0x01, 0x00}, {PropertiesCodec.PUBLISH, 0x02, 0, 0, 0, 1},
        {PropertiesCodec.PUBLISH, 0x03, 0x00, 0x00}, {PropertiesCodec.PUBLISH, 0x08, 0x00, 0x01, 'a'},
        {PropertiesCodec.PUBLISH, 0x09, 0x00, 0x00}, {PropertiesCodec.CONNECT, 0x11, 0, 0, 0, 1},
        {PropertiesCodec.CONNACK, 0x12, 0x00, 0x00}, {PropertiesCodec.CONNACK, 0x13, 0x00, 0x01},
        {PropertiesCodec.CONNECT, 0x15, 0x00, 0x00}, {PropertiesCodec.CONNECT, 0x16, 0x00, 0x00},
        {PropertiesCodec.CONNECT, 0x17, 0x01}, {PropertiesCodec.WILL, 0x18, 0, 0, 0, 1},
        {PropertiesCodec.CONNECT, 0x19, 0x01}, {PropertiesCodec.CONNACK, 0x1A, 0x00, 0x00},
        {PropertiesCodec.CONNACK, 0x1C, 0x00, 0x00}, {PropertiesCodec.CONNACK, 0x1F, 0x00, 0x00},
        {PropertiesCodec.CONNECT, 0x21, 0x00, 0x01}, {PropertiesCodec.CONNECT, 0x22, 0x00, 0x01},
        {PropertiesCodec.PUBLISH, 0x23, 0x00, 0x01}, {PropertiesCodec.CONNACK, 0x24, 0x01},
        {PropertiesCodec.CONNACK, 0x25, 0x01}, {PropertiesCodec.CONNECT, 0x27, 0, 0, 0, 1},
        {PropertiesCodec.CONNACK, 0x28, 0x01}, {PropertiesCodec.CONNACK, 0x29, 0x01},
        {PropertiesCodec.CONNACK, 0x2A, 0x01}, {PropertiesCodec.SUBSCRIBE, 0x0B, 0x01},
    };
    for (int[] c : once) {
      byte[] one = bytes(java.util.Arrays.copyOfRange(c, 1, c.length));
      try {
        readProps(one, c[0], c[1] != 0x0B || c[0] == PropertiesCodec.SUBSCRIBE);
      } catch (MalformedPacketException e) {
        throw new AssertionError("0x" + Integer.toHexString(c[1]) + " once is valid", e);
      }
      assertThat(failure(concat(one, one), c[0], true)).as("0x%x twice", c[1]).isEqualTo(ReasonCode.PROTOCOL_ERROR);
    }
  }

  @Test
  void propertyValuesOutOfRangeAreProtocolErrors() {
    for (int flag : new int[] {0x01, 0x17, 0x19, 0x24, 0x25, 0x28, 0x29, 0x2A}) {
      int where = flag == 0x01 ? PropertiesCodec.PUBLISH : flag == 0x17 || flag == 0x19 ? PropertiesCodec.CONNECT
          : PropertiesCodec.CONNACK;
      assertThat(failure(bytes(flag, 0x02), where, false)).as("flag 0x%x = 2", flag)
          .isEqualTo(ReasonCode.PROTOCOL_ERROR);
    }
    // Receive maximum 0, maximum packet size 0, subscription identifier 0.
    assertThat(failure(bytes(0x21, 0x00, 0x00), PropertiesCodec.CONNECT, true)).isEqualTo(ReasonCode.PROTOCOL_ERROR);
    assertThat(failure(bytes(0x27, 0, 0, 0, 0), PropertiesCodec.CONNECT, true)).isEqualTo(ReasonCode.PROTOCOL_ERROR);
    assertThat(failure(bytes(0x0B, 0x00), PropertiesCodec.SUBSCRIBE, true)).isEqualTo(ReasonCode.PROTOCOL_ERROR);
    // A client may not name subscription identifiers in PUBLISH; the server may, and repeat them.
    assertThat(failure(bytes(0x0B, 0x01), PropertiesCodec.PUBLISH, true)).isEqualTo(ReasonCode.PROTOCOL_ERROR);
    // A response topic is a topic name: no wildcards.
    assertThat(failure(concat(bytes(0x08), str("a/+")), PropertiesCodec.PUBLISH, true))
        .isEqualTo(ReasonCode.PROTOCOL_ERROR);
    assertThat(failure(concat(bytes(0x08), str("a/#")), PropertiesCodec.PUBLISH, true))
        .isEqualTo(ReasonCode.PROTOCOL_ERROR);
    assertThat(failure(concat(bytes(0x08), str("+/a")), PropertiesCodec.PUBLISH, true))
        .isEqualTo(ReasonCode.PROTOCOL_ERROR);
    assertThat(failure(concat(bytes(0x08), str("#")), PropertiesCodec.PUBLISH, true))
        .isEqualTo(ReasonCode.PROTOCOL_ERROR);
    // A length longer than the packet, a value cut short.
    ByteBuf b = Unpooled.wrappedBuffer(bytes(0x05, 0x01, 0x01));
    assertThatThrownBy(() -> PropertiesCodec.read(b, PropertiesCodec.PUBLISH, true))
        .isInstanceOf(MalformedPacketException.class);
    assertThat(failure(bytes(0x02, 0x00, 0x00), PropertiesCodec.PUBLISH, true)).isEqualTo(ReasonCode.MALFORMED_PACKET);
  }

  @Test
  void messagePropertiesAreNoneOnlyWhenNothingIsSet() {
    assertThat(new Properties().messageProps()).isSameAs(MessageProps.NONE);
    Properties[] one = new Properties[6];
    for (int i = 0; i < one.length; i++) {
      one[i] = new Properties();
    }
    one[0].payloadFormatIndicator = 0;
    one[1].messageExpiryInterval = 5L;
    one[2].contentType = "c";
    one[3].responseTopic = "r";
    one[4].correlationData = new byte[0];
    one[5].addUserProperty("k", "v");
    for (Properties p : one) {
      assertThat(p.messageProps()).isNotSameAs(MessageProps.NONE);
    }
    assertThat(one[0].messageProps().utf8Payload()).isFalse();
    assertThat(one[1].messageProps().messageExpirySeconds()).isEqualTo(5);
    assertThat(one[2].messageProps().messageExpirySeconds()).isEqualTo(-1);
    Properties p = new Properties();
    assertThat(p.addUserProperty("a", "1")).isSameAs(p);
    assertThat(p.addUserProperty("a", "2").userProperties()).hasSize(2);
    assertThat(Properties.reason("x").reasonString).isEqualTo("x");
  }

  @Test
  void messagePropsEmptinessAndStoredForm() {
    assertThat(MessageProps.NONE.isEmpty()).isTrue();
    assertThat(new MessageProps(false, -1, null, null, null, List.of()).isEmpty()).isTrue();
    assertThat(new MessageProps(true, -1, null, null, null, List.of()).isEmpty()).isFalse();
    assertThat(new MessageProps(false, 0, null, null, null, List.of()).isEmpty()).isFalse();
    assertThat(new MessageProps(false, -1, "c", null, null, List.of()).isEmpty()).isFalse();
    assertThat(new MessageProps(false, -1, null, "r", null, List.of()).isEmpty()).isFalse();
    assertThat(new MessageProps(false, -1, null, null, new byte[0], List.of()).isEmpty()).isFalse();
    assertThat(new MessageProps(false, -1, null, null, null, List.of(new UserProperty("a", "b"))).isEmpty()).isFalse();
    MessageProps m = new MessageProps(true, 60, "c", "r", new byte[] {1}, List.of(new UserProperty("a", "b")));
    assertThat(m.withExpiry(7).messageExpirySeconds()).isEqualTo(7);
    assertThat(m.withExpiry(7).contentType()).isEqualTo("c");
    byte[] stored = StoredProps.encode(m);
    // Length prefix, then the PUBLISH form of the properties.
    assertThat(stored[0]).isEqualTo((byte) (stored.length - 1));
    MessageProps back = StoredProps.decode(stored);
    assertThat(back.utf8Payload()).isTrue();
    assertThat(back.messageExpirySeconds()).isEqualTo(60);
    assertThat(back.responseTopic()).isEqualTo("r");
    assertThat(back.correlationData()).containsExactly(1);
    assertThat(back.userProperties()).containsExactly(new UserProperty("a", "b"));
    assertThat(StoredProps.encode(MessageProps.NONE)).isNull();
    // An expiry of 0 is an expiry (the message is already due), not "none".
    MessageProps zero = MessageProps.NONE.withExpiry(0);
    assertThat(StoredProps.encode(zero)).containsExactly(0x05, 0x02, 0x00, 0x00, 0x00, 0x00);
    assertThat(StoredProps.decode(StoredProps.encode(zero)).messageExpirySeconds()).isZero();
    assertThat(StoredProps.decode(null)).isSameAs(MessageProps.NONE);
    assertThat(StoredProps.decode(new byte[0])).isSameAs(MessageProps.NONE);
    assertThatThrownBy(() -> StoredProps.decode(bytes(0x02, 0x11, 0x00))).isInstanceOf(IllegalStateException.class);
  }

  // --- packets -----------------------------------------------------------------------------

  @Test
  void connect311WithWillAndCredentials() {
    byte[] fixture = concat(bytes(0x10, 0x23), str("MQTT"), bytes(0x04,
        0xF4,           // user, password, will retain, will QoS 2, will; clean session 0
        0x00, 0x0A),    // keepalive 10
        str("cid"), str("w/t"), bytes(0x00, 0x03, 'b', 'y', 'e'), str("user"), bytes(0x00, 0x02, 'p', 'w'));
    MqttPacket.Connect c = (MqttPacket.Connect) decode(0, true, fixture);
    assertThat(c.level()).isEqualTo(4);
    assertThat(c.cleanStart()).isFalse();
    assertThat(c.keepAliveSeconds()).isEqualTo(10);
    assertThat(c.will().topic()).isEqualTo("w/t");
    assertThat(c.will().qos()).isEqualTo(2);
    assertThat(c.will().retain()).isTrue();
    assertThat(c.will().payload()).containsExactly('b', 'y', 'e');
    assertThat(c.username()).isEqualTo("user");
    assertThat(c.password()).containsExactly('p', 'w');
    assertThat(encode(c, 4)).containsExactly(fixture);
    // Will QoS 1 without retain, clean session, no credentials: flags 0x0E.
    MqttPacket.Connect plain = new MqttPacket.Connect(4, true, 0, Properties.NONE, "",
        new MqttPacket.Will("t", new byte[0], 1, false, MessageProps.NONE, 0), null, null);
    assertThat(encode(plain, 4)).containsExactly(concat(bytes(0x10, 0x11), str("MQTT"), bytes(0x04, 0x0E, 0, 0),
        str(""), str("t"), bytes(0, 0)));
  }

  @Test
  void connect5WithPropertiesAndADelayedWill() {
    byte[] fixture = concat(bytes(0x10, 0x25), str("MQTT"), bytes(0x05, 0x2E, 0x00, 0x3C),
        bytes(0x05, 0x11, 0x00, 0x00, 0x00, 0x3C),      // properties: session expiry 60
        str("c5"),
        bytes(0x07, 0x18, 0x00, 0x00, 0x00, 0x05, 0x01, 0x01), // will properties: delay 5, UTF-8
        str("w/t"), bytes(0x00, 0x02, 'o', 'k'));
    MqttPacket.Connect c = (MqttPacket.Connect) decode(0, true, fixture);
    assertThat(c.level()).isEqualTo(5);
    assertThat(c.cleanStart()).isTrue();
    assertThat(c.props().sessionExpiryInterval).isEqualTo(60L);
    assertThat(c.will().delaySeconds()).isEqualTo(5);
    assertThat(c.will().qos()).isEqualTo(1);
    assertThat(c.will().retain()).isTrue();
    assertThat(c.will().props().utf8Payload()).isTrue();
    assertThat(c.username()).isNull();
    assertThat(c.password()).isNull();
    // The encoder writes the payload format before the delay: same bytes, other order.
    byte[] encoded = encode(c, 5);
    assertThat(encoded).hasSize(fixture.length);
    MqttPacket.Connect again = (MqttPacket.Connect) decode(0, true, encoded);
    assertThat(again.will().delaySeconds()).isEqualTo(5);
    assertThat(again.will().props().utf8Payload()).isTrue();
    // A 5.0 CONNECT may carry a password without a user name.
    byte[] passwordOnly = concat(bytes(0x10, 0x11), str("MQTT"), bytes(0x05, 0x42, 0x00, 0x00, 0x00), str("c"),
        bytes(0x00, 0x01, 'p'));
    assertThat(((MqttPacket.Connect) decode(0, true, passwordOnly)).password()).containsExactly('p');
  }

  @Test
  void connackBothLevels() {
    byte[] v3 = bytes(0x20, 0x02, 0x01, 0x05);
    MqttPacket.ConnAck a = (MqttPacket.ConnAck) decode(4, false, v3);
    assertThat(a.sessionPresent()).isTrue();
    assertThat(a.reasonCode()).isEqualTo(5);
    assertThat(encode(a, 4)).containsExactly(v3);
    byte[] v5 = bytes(0x20, 0x06, 0x00, 0x00, 0x03, 0x13, 0x00, 0x1E);
    MqttPacket.ConnAck b = (MqttPacket.ConnAck) decode(5, false, v5);
    assertThat(b.sessionPresent()).isFalse();
    assertThat(b.props().serverKeepAlive).isEqualTo(30);
    assertThat(encode(b, 5)).containsExactly(v5);
    assertThat(reason(decode(5, false, bytes(0x20, 0x03, 0x02, 0x00, 0x00)))).isEqualTo(ReasonCode.MALFORMED_PACKET);
    assertThat(reason(decode(5, false, bytes(0x20, 0x03, 0x80, 0x00, 0x00)))).isEqualTo(ReasonCode.MALFORMED_PACKET);
    assertThat(reason(decode(5, false, bytes(0x21, 0x03, 0x00, 0x00, 0x00)))).isEqualTo(ReasonCode.MALFORMED_PACKET);
    assertThat(reason(decode(5, true, bytes(0x20, 0x03, 0x00, 0x00, 0x00)))).isEqualTo(ReasonCode.PROTOCOL_ERROR);
    assertThat(new MqttPacket.ConnAck(false, 0, Properties.NONE).type()).isEqualTo(PacketType.CONNACK);
  }

  @Test
  void publishFlagsAndFields() {
    byte[] q0 = concat(bytes(0x31, 0x05), str("a/b"));
    MqttPacket.Publish p0 = (MqttPacket.Publish) decode(4, true, q0);
    assertThat(p0.qos()).isZero();
    assertThat(p0.retain()).isTrue();
    assertThat(p0.dup()).isFalse();
    assertThat(p0.payload()).isEmpty();
    assertThat(encode(p0, 4)).containsExactly(q0);
    byte[] q2 = concat(bytes(0x3C, 0x08), str("a/b"), bytes(0x12, 0x34, 'x'));
    MqttPacket.Publish p2 = (MqttPacket.Publish) decode(4, true, q2);
    assertThat(p2.qos()).isEqualTo(2);
    assertThat(p2.dup()).isTrue();
    assertThat(p2.retain()).isFalse();
    assertThat(p2.packetId()).isEqualTo(0x1234);
    assertThat(encode(p2, 4)).containsExactly(q2);
    // 5.0 from the server: alias with an empty topic, two subscription identifiers.
    byte[] v5 = concat(bytes(0x32, 0x0D), str(""), bytes(0x00, 0x01, 0x07, 0x23, 0x00, 0x02, 0x0B, 0x01, 0x0B, 0x02),
        bytes('z'));
    MqttPacket.Publish p5 = (MqttPacket.Publish) decode(5, false, v5);
    assertThat(p5.topic()).isEmpty();
    assertThat(p5.topicAlias()).isEqualTo(2);
    assertThat(p5.subscriptionIds()).containsExactly(1, 2);
    assertThat(encode(p5, 5)).containsExactly(v5);
    // The same PUBLISH to a 3.1.1 peer has no property list.
    MqttPacket.Publish plain = new MqttPacket.Publish("t", 1, false, 9, new byte[] {1});
    assertThat(encode(plain, 4)).containsExactly(0x32, 0x06, 0x00, 0x01, 't', 0x00, 0x09, 0x01);
    assertThat(encode(plain, 5)).containsExactly(0x32, 0x07, 0x00, 0x01, 't', 0x00, 0x09, 0x00, 0x01);
    // QoS 0 with DUP, an empty topic without alias, topic alias 0.
    assertThat(reason(decode(4, true, concat(bytes(0x38, 0x03), str("a"))))).isEqualTo(ReasonCode.MALFORMED_PACKET);
    assertThat(reason(decode(4, true, concat(bytes(0x30, 0x02), str(""))))).isEqualTo(ReasonCode.MALFORMED_PACKET);
    assertThat(reason(decode(5, true, concat(bytes(0x30, 0x03), str(""), bytes(0))))).isEqualTo(ReasonCode.PROTOCOL_ERROR);
    assertThat(reason(decode(5, true, concat(bytes(0x30, 0x07), str("a"), bytes(0x03, 0x23, 0x00, 0x00)))))
        .isEqualTo(ReasonCode.TOPIC_ALIAS_INVALID);
  }

  @Test
  void acknowledgementsBothLevels() {
    for (int type : new int[] {PacketType.PUBACK, PacketType.PUBREC, PacketType.PUBCOMP}) {
      byte[] v3 = bytes(type << 4, 0x02, 0x00, 0x07);
      assertThat(decode(4, true, v3)).isEqualTo(new MqttPacket.PubReply(type, 7));
      assertThat(encode(new MqttPacket.PubReply(type, 7), 4)).containsExactly(v3);
      assertThat(encode(new MqttPacket.PubReply(type, 7), 5)).containsExactly(v3);
      assertThat(reason(decode(4, true, bytes((type << 4) | 2, 0x02, 0x00, 0x07)))).isEqualTo(ReasonCode.MALFORMED_PACKET);
      assertThat(reason(decode(4, true, bytes(type << 4, 0x02, 0x00, 0x00)))).isEqualTo(ReasonCode.MALFORMED_PACKET);
    }
    byte[] rel = bytes(0x62, 0x02, 0x00, 0x07);
    assertThat(decode(4, true, rel)).isEqualTo(new MqttPacket.PubReply(PacketType.PUBREL, 7));
    assertThat(reason(decode(4, true, bytes(0x60, 0x02, 0x00, 0x07)))).isEqualTo(ReasonCode.MALFORMED_PACKET);
    // 5.0: a reason code alone, then with a reason string.
    byte[] code = bytes(0x40, 0x03, 0x00, 0x07, 0x10);
    MqttPacket.PubReply c = (MqttPacket.PubReply) decode(5, true, code);
    assertThat(c.reasonCode()).isEqualTo(ReasonCode.NO_MATCHING_SUBSCRIBERS);
    assertThat(c.props()).isSameAs(Properties.NONE);
    assertThat(encode(c, 5)).containsExactly(code);
    assertThat(encode(c, 4)).containsExactly(0x40, 0x02, 0x00, 0x07);
    byte[] withReason = concat(bytes(0x50, 0x08, 0x00, 0x07, 0x97, 0x04, 0x1F), str("q"));
    MqttPacket.PubReply r = (MqttPacket.PubReply) decode(5, true, withReason);
    assertThat(r.reasonCode()).isEqualTo(ReasonCode.QUOTA_EXCEEDED);
    assertThat(r.props().reasonString).isEqualTo("q");
    assertThat(encode(r, 5)).containsExactly(withReason);
    // Success with properties still carries the reason byte.
    assertThat(encode(new MqttPacket.PubReply(PacketType.PUBACK, 7, 0, Properties.reason("q")), 5))
        .containsExactly(concat(bytes(0x40, 0x08, 0x00, 0x07, 0x00, 0x04, 0x1F), str("q")));
    // Reason codes each acknowledgement may carry.
    int[] pubackOk = {0x00, 0x10, 0x80, 0x83, 0x87, 0x90, 0x91, 0x97, 0x99};
    for (int rc : pubackOk) {
      assertThat(decode(5, true, bytes(0x40, 0x03, 0x00, 0x01, rc))).as("PUBACK 0x%x", rc)
          .isInstanceOf(MqttPacket.PubReply.class);
    }
    for (int rc : new int[] {0x01, 0x11, 0x81, 0x92, 0x98}) {
      assertThat(reason(decode(5, true, bytes(0x40, 0x03, 0x00, 0x01, rc)))).as("PUBACK 0x%x", rc)
          .isEqualTo(ReasonCode.PROTOCOL_ERROR);
    }
    for (int type : new int[] {PacketType.PUBREL, PacketType.PUBCOMP}) {
      int first = type == PacketType.PUBREL ? 0x62 : 0x70;
      assertThat(decode(5, true, bytes(first, 0x03, 0x00, 0x01, 0x92))).isInstanceOf(MqttPacket.PubReply.class);
      assertThat(decode(5, true, bytes(first, 0x03, 0x00, 0x01, 0x00))).isInstanceOf(MqttPacket.PubReply.class);
      assertThat(reason(decode(5, true, bytes(first, 0x03, 0x00, 0x01, 0x10)))).isEqualTo(ReasonCode.PROTOCOL_ERROR);
    }
  }

  @Test
  void subscribeBothLevels() {
    byte[] v3 = concat(bytes(0x82, 0x0C, 0x00, 0x0A), str("a/#"), bytes(0x01), str("b"), bytes(0x02));
    MqttPacket.Subscribe s3 = (MqttPacket.Subscribe) decode(4, true, v3);
    assertThat(s3.packetId()).isEqualTo(10);
    assertThat(s3.subscriptionId()).isZero();
    assertThat(s3.subscriptions()).containsExactly(new MqttPacket.Subscription("a/#", 1),
        new MqttPacket.Subscription("b", 2));
    assertThat(encode(s3, 4)).containsExactly(v3);
    byte[] v5 = concat(bytes(0x82, 0x0F, 0x00, 0x0A, 0x08, 0x0B, 0x03, 0x26), str("k"), str(""), str("a"),
        bytes(0x1D));
    MqttPacket.Subscribe s5 = (MqttPacket.Subscribe) decode(5, true, v5);
    assertThat(s5.subscriptionId()).isEqualTo(3);
    assertThat(s5.userProperties()).containsExactly(new UserProperty("k", ""));
    // Options 0x1D: QoS 1, no local, retain as published, retain handling 1.
    assertThat(s5.subscriptions()).containsExactly(new MqttPacket.Subscription("a", 1, true, true, 1));
    assertThat(encode(s5, 5)).containsExactly(v5);
    assertThat(reason(decode(4, false, v3))).isEqualTo(ReasonCode.PROTOCOL_ERROR);
    assertThat(reason(decode(4, true, bytes(0x82, 0x02, 0x00, 0x00)))).isEqualTo(ReasonCode.MALFORMED_PACKET);
  }

  @Test
  void subackAndUnsubscribeAndUnsuback() {
    byte[] sub3 = bytes(0x90, 0x04, 0x00, 0x0A, 0x01, 0x80);
    MqttPacket.SubAck a3 = (MqttPacket.SubAck) decode(4, false, sub3);
    assertThat(a3.packetId()).isEqualTo(10);
    assertThat(a3.reasonCodes()).containsExactly(1, 0x80);
    assertThat(encode(a3, 4)).containsExactly(sub3);
    byte[] sub5 = concat(bytes(0x90, 0x09, 0x00, 0x0A, 0x04, 0x1F), str("n"), bytes(0x00, 0x87));
    MqttPacket.SubAck a5 = (MqttPacket.SubAck) decode(5, false, sub5);
    assertThat(a5.props().reasonString).isEqualTo("n");
    assertThat(a5.reasonCodes()).containsExactly(0, 0x87);
    assertThat(encode(a5, 5)).containsExactly(sub5);
    assertThat(a5.type()).isEqualTo(PacketType.SUBACK);
    assertThat(reason(decode(4, true, sub3))).isEqualTo(ReasonCode.PROTOCOL_ERROR);

    byte[] un3 = concat(bytes(0xA2, 0x07, 0x00, 0x0B), str("a/#"));
    MqttPacket.Unsubscribe u3 = (MqttPacket.Unsubscribe) decode(4, true, un3);
    assertThat(u3.filters()).containsExactly("a/#");
    assertThat(encode(u3, 4)).containsExactly(un3);
    byte[] un5 = concat(bytes(0xA2, 0x09, 0x00, 0x0B, 0x00), str("a"), str("b"));
    MqttPacket.Unsubscribe u5 = (MqttPacket.Unsubscribe) decode(5, true, un5);
    assertThat(u5.filters()).containsExactly("a", "b");
    assertThat(encode(u5, 5)).containsExactly(un5);
    assertThat(reason(decode(4, true, bytes(0xA2, 0x02, 0x00, 0x0B)))).isEqualTo(ReasonCode.PROTOCOL_ERROR);
    assertThat(reason(decode(4, true, concat(bytes(0xA2, 0x05, 0x00, 0x00), str("a"))))).isEqualTo(ReasonCode.MALFORMED_PACKET);
    assertThat(reason(decode(4, true, concat(bytes(0xA0, 0x05, 0x00, 0x01), str("a"))))).isEqualTo(ReasonCode.MALFORMED_PACKET);
    assertThat(reason(decode(4, false, un3))).isEqualTo(ReasonCode.PROTOCOL_ERROR);

    byte[] ua3 = bytes(0xB0, 0x02, 0x00, 0x0B);
    MqttPacket.UnsubAck x3 = (MqttPacket.UnsubAck) decode(4, false, ua3);
    assertThat(x3.packetId()).isEqualTo(11);
    assertThat(x3.reasonCodes()).isEmpty();
    assertThat(encode(new MqttPacket.UnsubAck(11, new int[] {0x11}, Properties.NONE), 4)).containsExactly(ua3);
    byte[] ua5 = bytes(0xB0, 0x05, 0x00, 0x0B, 0x00, 0x00, 0x11);
    MqttPacket.UnsubAck x5 = (MqttPacket.UnsubAck) decode(5, false, ua5);
    assertThat(x5.reasonCodes()).containsExactly(0x00, 0x11);
    assertThat(encode(x5, 5)).containsExactly(ua5);
    assertThat(x5.type()).isEqualTo(PacketType.UNSUBACK);
    assertThat(reason(decode(5, true, ua5))).isEqualTo(ReasonCode.PROTOCOL_ERROR);
    assertThat(reason(decode(5, false, bytes(0xB2, 0x03, 0x00, 0x0B, 0x00)))).isEqualTo(ReasonCode.MALFORMED_PACKET);
    assertThat(reason(decode(5, false, bytes(0x92, 0x03, 0x00, 0x0B, 0x00)))).isEqualTo(ReasonCode.MALFORMED_PACKET);
  }

  @Test
  void pingDisconnectAndAuth() {
    assertThat(encode(MqttPacket.PingReq.INSTANCE, 4)).containsExactly(0xC0, 0x00);
    assertThat(encode(MqttPacket.PingResp.INSTANCE, 5)).containsExactly(0xD0, 0x00);
    assertThat(decode(4, false, bytes(0xD0, 0x00))).isEqualTo(MqttPacket.PingResp.INSTANCE);
    assertThat(MqttPacket.PingResp.INSTANCE.type()).isEqualTo(PacketType.PINGRESP);
    assertThat(reason(decode(4, true, bytes(0xD0, 0x00)))).isEqualTo(ReasonCode.PROTOCOL_ERROR);
    assertThat(reason(decode(4, false, bytes(0xC0, 0x00)))).isEqualTo(ReasonCode.PROTOCOL_ERROR);
    assertThat(reason(decode(4, false, bytes(0xD1, 0x00)))).isEqualTo(ReasonCode.MALFORMED_PACKET);

    assertThat(decode(4, true, bytes(0xE0, 0x00))).isSameAs(MqttPacket.Disconnect.NORMAL);
    assertThat(decode(5, true, bytes(0xE0, 0x00))).isSameAs(MqttPacket.Disconnect.NORMAL);
    assertThat(reason(decode(4, true, bytes(0xE1, 0x00)))).isEqualTo(ReasonCode.MALFORMED_PACKET);
    MqttPacket.Disconnect onlyCode = (MqttPacket.Disconnect) decode(5, true, bytes(0xE0, 0x01, 0x04));
    assertThat(onlyCode.reasonCode()).isEqualTo(ReasonCode.DISCONNECT_WITH_WILL);
    assertThat(onlyCode.props()).isSameAs(Properties.NONE);
    byte[] withProps = bytes(0xE0, 0x07, 0x8E, 0x05, 0x11, 0x00, 0x00, 0x00, 0x00);
    MqttPacket.Disconnect d = (MqttPacket.Disconnect) decode(5, true, withProps);
    assertThat(d.reasonCode()).isEqualTo(ReasonCode.SESSION_TAKEN_OVER);
    assertThat(d.props().sessionExpiryInterval).isZero();
    assertThat(encode(d, 5)).containsExactly(withProps);
    assertThat(encode(d, 4)).containsExactly(0xE0, 0x00);
    assertThat(encode(MqttPacket.Disconnect.NORMAL, 5)).containsExactly(0xE0, 0x00);
    assertThat(encode(new MqttPacket.Disconnect(0, Properties.reason("r")), 5))
        .containsExactly(concat(bytes(0xE0, 0x06, 0x00, 0x04, 0x1F), str("r")));

    byte[] auth = concat(bytes(0xF0, 0x06, 0x18, 0x04, 0x15), str("m"));
    MqttPacket.Auth a = (MqttPacket.Auth) decode(5, true, auth);
    assertThat(a.reasonCode()).isEqualTo(0x18);
    assertThat(a.props().authenticationMethod).isEqualTo("m");
    assertThat(encode(a, 5)).containsExactly(auth);
    assertThat(a.type()).isEqualTo(PacketType.AUTH);
    MqttPacket.Auth empty = (MqttPacket.Auth) decode(5, true, bytes(0xF0, 0x00));
    assertThat(empty.reasonCode()).isEqualTo(ReasonCode.SUCCESS);
    assertThat(((MqttPacket.Auth) decode(5, true, bytes(0xF0, 0x01, 0x19))).props()).isSameAs(Properties.NONE);
    assertThat(reason(decode(5, true, bytes(0xF1, 0x00)))).isEqualTo(ReasonCode.MALFORMED_PACKET);
    assertThat(reason(decode(5, true, bytes(0x00, 0x00)))).isEqualTo(ReasonCode.MALFORMED_PACKET);
    assertThat(reason(decode(5, true, bytes(0xC0, 0x01, 0x00)))).isEqualTo(ReasonCode.MALFORMED_PACKET);
  }

  @Test
  void connectRules() {
    // CONNECT flags 0x02, CONNECT from the server side, and CONNECT with flags in its first byte.
    byte[] ok = concat(bytes(0x10, 0x0D), str("MQTT"), bytes(0x04, 0x02, 0x00, 0x00), str("c"));
    assertThat(decode(0, true, ok)).isInstanceOf(MqttPacket.Connect.class);
    assertThat(reason(decode(4, false, ok))).isEqualTo(ReasonCode.PROTOCOL_ERROR);
    byte[] flagged = ok.clone();
    flagged[0] = 0x11;
    assertThat(reason(decode(0, true, flagged))).isEqualTo(ReasonCode.MALFORMED_PACKET);
    // Protocol name other than MQTT.
    assertThat(reason(decode(0, true, concat(bytes(0x10, 0x0D), str("MQIS"), bytes(0x04, 0x02, 0x00, 0x00), str("c")))))
        .isEqualTo(ReasonCode.UNSUPPORTED_PROTOCOL_VERSION);
    // Will QoS 3; will retain without a will.
    assertThat(reason(decode(0, true, concat(bytes(0x10, 0x0D), str("MQTT"), bytes(0x04, 0x1E, 0x00, 0x00), str("c")))))
        .isEqualTo(ReasonCode.MALFORMED_PACKET);
    assertThat(reason(decode(0, true, concat(bytes(0x10, 0x0D), str("MQTT"), bytes(0x04, 0x22, 0x00, 0x00), str("c")))))
        .isEqualTo(ReasonCode.MALFORMED_PACKET);
  }

  // --- framing and data types -------------------------------------------------------------

  @Test
  void remainingLengthAtEachByteBoundary() {
    for (int len : new int[] {0, 127, 128, 16_383, 16_384}) {
      byte[] payload = new byte[Math.max(0, len - 3)];
      if (len == 0) {
        continue;
      }
      MqttPacket.Publish p = new MqttPacket.Publish("a", 0, false, 0, payload);
      byte[] e = encode(p, 4);
      assertThat(e.length).isEqualTo(1 + Wire.varIntSize(len) + len);
      assertThat(((MqttPacket.Publish) decode(4, true, e)).payload()).hasSize(payload.length);
    }
    // Remaining length = 3 (topic "a") + payload.
    assertThat(encode(new MqttPacket.Publish("a", 0, false, 0, new byte[124]), 4)).startsWith(0x30, 0x7F);
    assertThat(encode(new MqttPacket.Publish("a", 0, false, 0, new byte[125]), 4)).startsWith(0x30, 0x80, 0x01);
    assertThat(encode(new MqttPacket.Publish("a", 0, false, 0, new byte[16_380]), 4)).startsWith(0x30, 0xFF, 0x7F);
    assertThat(encode(new MqttPacket.Publish("a", 0, false, 0, new byte[16_381]), 4)).startsWith(0x30, 0x80, 0x80, 0x01);
  }

  @Test
  void theDecoderWaitsForWholePacketsAndHonoursTheMaximumExactly() {
    MqttDecoder d = new MqttDecoder(10, true);
    d.level(4);
    EmbeddedChannel ch = new EmbeddedChannel(d);
    // Exactly 10 bytes: accepted.
    ch.writeInbound(Unpooled.wrappedBuffer(concat(bytes(0x30, 0x08), str("a"), bytes(1, 2, 3, 4, 5))));
    assertThat((Object) ch.readInbound()).isInstanceOf(MqttPacket.Publish.class);
    // Header only, then the length's continuation, then the body.
    ch.writeInbound(Unpooled.wrappedBuffer(bytes(0x30)));
    assertThat((Object) ch.readInbound()).isNull();
    ch.writeInbound(Unpooled.wrappedBuffer(bytes(0x03, 0x00)));
    assertThat((Object) ch.readInbound()).isNull();
    ch.writeInbound(Unpooled.wrappedBuffer(bytes(0x01, 'b')));
    assertThat(((MqttPacket.Publish) ch.readInbound()).topic()).isEqualTo("b");
    // 11 bytes: refused.
    ch.writeInbound(Unpooled.wrappedBuffer(bytes(0x30, 0x09)));
    assertThat(reason(ch.readInbound())).isEqualTo(ReasonCode.PACKET_TOO_LARGE);
    ch.finishAndReleaseAll();
    // A four-byte length is read whole, then the decoder waits for its 2 MiB body.
    MqttDecoder big = new MqttDecoder(Integer.MAX_VALUE, true);
    big.level(4);
    EmbeddedChannel c2 = new EmbeddedChannel(big);
    c2.writeInbound(Unpooled.wrappedBuffer(bytes(0x30, 0x80, 0x80, 0x80)));
    assertThat((Object) c2.readInbound()).isNull();
    c2.writeInbound(Unpooled.wrappedBuffer(bytes(0x01)));
    assertThat((Object) c2.readInbound()).isNull();
    c2.finishAndReleaseAll();
    MqttDecoder learner = new MqttDecoder(1000, true);
    EmbeddedChannel c3 = new EmbeddedChannel(learner);
    c3.writeInbound(Unpooled.wrappedBuffer(concat(bytes(0x10, 0x0E), str("MQTT"), bytes(0x05, 0x02, 0x00, 0x00, 0x00),
        str("c"))));
    assertThat(learner.level()).isEqualTo(5);
    // Learned once: a second CONNECT does not change it (the handler refuses it).
    c3.writeInbound(Unpooled.wrappedBuffer(concat(bytes(0x10, 0x0D), str("MQTT"), bytes(0x04, 0x02, 0x00, 0x00),
        str("c"))));
    assertThat(learner.level()).isEqualTo(5);
    c3.finishAndReleaseAll();
  }

  @Test
  void dataTypes() throws Exception {
    assertThat(Wire.varIntSize(127)).isEqualTo(1);
    assertThat(Wire.varIntSize(128)).isEqualTo(2);
    assertThat(Wire.varIntSize(16_383)).isEqualTo(2);
    assertThat(Wire.varIntSize(16_384)).isEqualTo(3);
    assertThat(Wire.varIntSize(2_097_151)).isEqualTo(3);
    assertThat(Wire.varIntSize(2_097_152)).isEqualTo(4);
    assertThat(Wire.varIntSize(Wire.MAX_VARINT)).isEqualTo(4);
    ByteBuf b = Unpooled.buffer();
    Wire.writeVarInt(b, Wire.MAX_VARINT);
    Wire.writeVarInt(b, 321);
    assertThat(io.netty.buffer.ByteBufUtil.getBytes(b)).containsExactly(0xFF, 0xFF, 0xFF, 0x7F, 0xC1, 0x02);
    assertThat(Wire.readVarInt(b)).isEqualTo(Wire.MAX_VARINT);
    assertThat(Wire.readVarInt(b)).isEqualTo(321);
    assertThatThrownBy(() -> Wire.readVarInt(Unpooled.wrappedBuffer(bytes(0x80, 0x80, 0x80, 0x80, 0x01))))
        .isInstanceOf(MalformedPacketException.class);
    assertThatThrownBy(() -> Wire.readVarInt(Unpooled.wrappedBuffer(bytes(0x80)))).isInstanceOf(MalformedPacketException.class);
    assertThatThrownBy(() -> Wire.readShort(Unpooled.wrappedBuffer(bytes(0x01)))).isInstanceOf(MalformedPacketException.class);
    assertThatThrownBy(() -> Wire.readInt(Unpooled.wrappedBuffer(bytes(0, 0, 1)))).isInstanceOf(MalformedPacketException.class);
    assertThatThrownBy(() -> Wire.readByte(Unpooled.buffer())).isInstanceOf(MalformedPacketException.class);
    assertThatThrownBy(() -> Wire.readString(Unpooled.wrappedBuffer(bytes(0, 2, 'a')))).isInstanceOf(MalformedPacketException.class);
    assertThatThrownBy(() -> Wire.readBinary(Unpooled.wrappedBuffer(bytes(0, 2, 'a')))).isInstanceOf(MalformedPacketException.class);
    assertThat(Wire.readInt(Unpooled.wrappedBuffer(bytes(0xFF, 0xFF, 0xFF, 0xFE)))).isEqualTo(0xFFFFFFFEL);
    assertThat(Wire.readShort(Unpooled.wrappedBuffer(bytes(0xFF, 0xFE)))).isEqualTo(0xFFFE);
    assertThat(Wire.readString(Unpooled.wrappedBuffer(concat(str("é/ü"))))).isEqualTo("é/ü");
    assertThat(Wire.readString(Unpooled.wrappedBuffer(bytes(0, 1, 0x7F)))).isEqualTo("\u007F");
    assertThat(Wire.stringSize("é")).isEqualTo(4);
    assertThat(Wire.isUtf8("é".getBytes(java.nio.charset.StandardCharsets.UTF_8))).isTrue();
    assertThat(Wire.isUtf8(bytes(0xC3, 0x28))).isFalse();
  }

  @Test
  void namesAndCodes() {
    assertThat(PacketType.name(0)).isEqualTo("RESERVED");
    assertThat(PacketType.name(15)).isEqualTo("AUTH");
    assertThat(PacketType.name(16)).isEqualTo("type 16");
    assertThat(PacketType.name(-1)).isEqualTo("type -1");
    assertThat(MqttVersion.name(5)).isEqualTo("5.0");
    assertThat(MqttVersion.name(4)).isEqualTo("3.1.1");
    assertThat(MqttVersion.name(3)).isEqualTo("level 3");
    assertThat(ReasonCode.toV3ConnAck(ReasonCode.SUCCESS)).isEqualTo(ReasonCode.V3_ACCEPTED);
    assertThat(ReasonCode.toV3ConnAck(ReasonCode.UNSUPPORTED_PROTOCOL_VERSION)).isEqualTo(1);
    assertThat(ReasonCode.toV3ConnAck(ReasonCode.CLIENT_IDENTIFIER_NOT_VALID)).isEqualTo(2);
    assertThat(ReasonCode.toV3ConnAck(ReasonCode.BAD_USER_NAME_OR_PASSWORD)).isEqualTo(4);
    assertThat(ReasonCode.toV3ConnAck(ReasonCode.NOT_AUTHORIZED)).isEqualTo(5);
    assertThat(ReasonCode.toV3ConnAck(ReasonCode.BANNED)).isEqualTo(5);
    assertThat(ReasonCode.toV3ConnAck(ReasonCode.BAD_AUTHENTICATION_METHOD)).isEqualTo(5);
    assertThat(ReasonCode.toV3ConnAck(ReasonCode.QUOTA_EXCEEDED)).isEqualTo(3);
    assertThat(ReasonCode.isError(0x7F)).isFalse();
    assertThat(ReasonCode.isError(0x80)).isTrue();
    assertThat(new MalformedPacketException(0x95, "m").reasonCode()).isEqualTo(0x95);
    assertThat(new MalformedPacketException(0x95, "m").getStackTrace()).isEmpty();
  }
}
