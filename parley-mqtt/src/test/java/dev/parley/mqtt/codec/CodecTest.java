package dev.parley.mqtt.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Round trips through the Netty decoder and encoder, byte fixtures, and malformed input with its reason. */
class CodecTest {
  private static EmbeddedChannel broker(int level) {
    MqttDecoder d = new MqttDecoder(1 << 20, true);
    d.level(level);
    return new EmbeddedChannel(d, new MqttEncoder.Handler(level));
  }

  private static Object decode(int level, int... bytes) {
    EmbeddedChannel ch = broker(level);
    byte[] b = new byte[bytes.length];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) bytes[i];
    }
    ch.writeInbound(Unpooled.wrappedBuffer(b));
    Object out = ch.readInbound();
    ch.finishAndReleaseAll();
    return out;
  }

  private static byte[] encode(MqttPacket p, int level) {
    EmbeddedChannel ch = new EmbeddedChannel(new MqttEncoder.Handler(level));
    ch.writeOutbound(p);
    ByteBuf b = ch.readOutbound();
    byte[] out = new byte[b.readableBytes()];
    b.readBytes(out);
    b.release();
    ch.finishAndReleaseAll();
    return out;
  }

  private static int reason(Object o) {
    assertThat(o).isInstanceOf(DecodeFailure.class);
    return ((DecodeFailure) o).reasonCode();
  }

  @Test
  void connect311Fixture() {
    MqttPacket.Connect c = (MqttPacket.Connect) decode(0,
        0x10, 0x13,                     // CONNECT, remaining length 19
        0x00, 0x04, 'M', 'Q', 'T', 'T', // protocol name
        0x04,                           // level 4 (3.1.1)
        0xC2,                           // user name, password, clean session
        0x00, 0x3C,                     // keepalive 60
        0x00, 0x01, 'c',                // client id "c"
        0x00, 0x01, 'u',                // user name "u"
        0x00, 0x01, 'p');               // password "p"
    assertThat(c.level()).isEqualTo(4);
    assertThat(c.cleanStart()).isTrue();
    assertThat(c.keepAliveSeconds()).isEqualTo(60);
    assertThat(c.clientId()).isEqualTo("c");
    assertThat(c.username()).isEqualTo("u");
    assertThat(c.password()).containsExactly('p');
  }

  @Test
  void publishV5WithPropertiesFixture() {
    MqttPacket.Publish p = (MqttPacket.Publish) decode(5,
        0x3B, 0x0F,                 // PUBLISH, DUP, QoS 1, retain; remaining length 15
        0x00, 0x03, 'a', '/', 'b',  // topic "a/b"
        0x00, 0x07,                 // packet id 7
        0x05,                       // properties length 5
        0x02, 0x00, 0x00, 0x00, 0x1E, // message expiry 30 s
        'h', 'i');                  // payload
    assertThat(p.topic()).isEqualTo("a/b");
    assertThat(p.dup()).isTrue();
    assertThat(p.qos()).isEqualTo(1);
    assertThat(p.retain()).isTrue();
    assertThat(p.packetId()).isEqualTo(7);
    assertThat(p.props().messageExpirySeconds()).isEqualTo(30);
    assertThat(p.payload()).containsExactly('h', 'i');
  }

  @Test
  void encodesPubackV5WithReasonAndV3WithoutIt() {
    MqttPacket.PubReply r = new MqttPacket.PubReply(PacketType.PUBACK, 0x0102, ReasonCode.NO_MATCHING_SUBSCRIBERS,
        Properties.NONE);
    assertThat(encode(r, 5)).containsExactly(0x40, 0x03, 0x01, 0x02, 0x10);
    assertThat(encode(r, 4)).containsExactly(0x40, 0x02, 0x01, 0x02);
    assertThat(encode(new MqttPacket.PubReply(PacketType.PUBREL, 1), 5)).containsExactly(0x62, 0x02, 0x00, 0x01);
  }

  @Test
  void everyPacketRoundTripsThroughEncoderAndDecoder() {
    Properties connectProps = new Properties();
    connectProps.sessionExpiryInterval = 120L;
    connectProps.receiveMaximum = 10;
    connectProps.addUserProperty("a", "b");
    MessageProps mp = new MessageProps(true, 60, "text/plain", "resp", new byte[] {9}, List.of(new UserProperty("k", "v")));
    List<MqttPacket> packets = List.of(
        new MqttPacket.Connect(5, true, 30, connectProps, "client-1",
            new MqttPacket.Will("will/t", "bye".getBytes(), 1, true, mp, 5), "user", "pw".getBytes()),
        new MqttPacket.Publish("t/1", 2, true, false, 42, mp, "payload".getBytes(), 3, MqttPacket.Publish.NO_IDS),
        new MqttPacket.PubReply(PacketType.PUBREC, 42, ReasonCode.QUOTA_EXCEEDED, Properties.reason("full")),
        new MqttPacket.PubReply(PacketType.PUBREL, 42),
        new MqttPacket.PubReply(PacketType.PUBCOMP, 42),
        new MqttPacket.Subscribe(5, 77, List.of(new UserProperty("x", "y")), List.of(
            new MqttPacket.Subscription("a/+/c", 1, true, true, 2), new MqttPacket.Subscription("$share/g/d/#", 2))),
        new MqttPacket.Unsubscribe(6, List.of("a/+/c"), Properties.NONE),
        MqttPacket.PingReq.INSTANCE,
        new MqttPacket.Disconnect(ReasonCode.DISCONNECT_WITH_WILL, Properties.NONE));
    for (MqttPacket p : packets) {
      EmbeddedChannel ch = broker(5);
      ch.writeOutbound(p);
      ByteBuf encoded = ch.readOutbound();
      ch.writeInbound(encoded);
      Object back = ch.readInbound();
      assertThat(back).as(p.toString()).isNotInstanceOf(DecodeFailure.class);
      assertThat(MqttEncoder.size((MqttPacket) back, 5)).isEqualTo(MqttEncoder.size(p, 5));
      if (!(p instanceof MqttPacket.Connect) && !(p instanceof MqttPacket.Publish)
          && !(p instanceof MqttPacket.Subscribe) && !(p instanceof MqttPacket.PubReply)) {
        assertThat(back).isEqualTo(p);
      }
      ch.finishAndReleaseAll();
    }
  }

  @Test
  void packetSplitAcrossReadsIsReassembled() {
    EmbeddedChannel ch = broker(4);
    ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {0x30, 0x05, 0x00}));
    assertThat((Object) ch.readInbound()).isNull();
    ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {0x01, 'a', 'x', 'y', (byte) 0xC0, 0x00}));
    MqttPacket.Publish p = ch.readInbound();
    assertThat(p.payload()).containsExactly('x', 'y');
    assertThat((Object) ch.readInbound()).isEqualTo(MqttPacket.PingReq.INSTANCE);
    ch.finishAndReleaseAll();
  }

  @Test
  void malformedInputCarriesItsReason() {
    // Remaining length with five bytes.
    assertThat(reason(decode(4, 0xC0, 0x80, 0x80, 0x80, 0x80, 0x01))).isEqualTo(ReasonCode.MALFORMED_PACKET);
    // PINGREQ with a flag set.
    assertThat(reason(decode(4, 0xC1, 0x00))).isEqualTo(ReasonCode.MALFORMED_PACKET);
    // PINGREQ with a body.
    assertThat(reason(decode(4, 0xC0, 0x01, 0x00))).isEqualTo(ReasonCode.MALFORMED_PACKET);
    // First packet not CONNECT.
    assertThat(reason(decode(0, 0xC0, 0x00))).isEqualTo(ReasonCode.PROTOCOL_ERROR);
    // CONNECT "MQTT" level 3.
    assertThat(reason(decode(0, 0x10, 0x0A, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x03, 0x02, 0x00, 0x3C)))
        .isEqualTo(ReasonCode.UNSUPPORTED_PROTOCOL_VERSION);
    // 3.1.1 CONNECT with password but no user name.
    assertThat(reason(decode(0, 0x10, 0x0F, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04, 0x42, 0x00, 0x3C, 0x00, 0x00,
        0x00, 0x01, 'p'))).isEqualTo(ReasonCode.MALFORMED_PACKET);
    // Will QoS without a will.
    assertThat(reason(decode(0, 0x10, 0x0C, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04, 0x0A, 0x00, 0x3C, 0x00, 0x00)))
        .isEqualTo(ReasonCode.MALFORMED_PACKET);
    // Overlong UTF-8 encoding of '/' (C0 AF) in a topic.
    assertThat(reason(decode(4, 0x30, 0x04, 0x00, 0x02, 0xC0, 0xAF))).isEqualTo(ReasonCode.MALFORMED_PACKET);
    // UTF-16 surrogate encoded in UTF-8 (ED A0 80).
    assertThat(reason(decode(4, 0x30, 0x05, 0x00, 0x03, 0xED, 0xA0, 0x80))).isEqualTo(ReasonCode.MALFORMED_PACKET);
    // SUBSCRIBE without a filter.
    assertThat(reason(decode(4, 0x82, 0x02, 0x00, 0x01))).isEqualTo(ReasonCode.PROTOCOL_ERROR);
    // V5 SUBSCRIBE whose filter has no options byte.
    assertThat(reason(decode(5, 0x82, 0x06, 0x00, 0x01, 0x00, 0x00, 0x01, 'a'))).isEqualTo(ReasonCode.MALFORMED_PACKET);
    // V5 PUBLISH with a subscription identifier from a client.
    assertThat(reason(decode(5, 0x30, 0x06, 0x00, 0x01, 'a', 0x02, 0x0B, 0x01))).isEqualTo(ReasonCode.PROTOCOL_ERROR);
    // V5 PUBACK with an invalid reason code.
    assertThat(reason(decode(5, 0x40, 0x03, 0x00, 0x01, 0x05))).isEqualTo(ReasonCode.PROTOCOL_ERROR);
    // AUTH in 3.1.1.
    assertThat(reason(decode(4, 0xF0, 0x00))).isEqualTo(ReasonCode.MALFORMED_PACKET);
    // Receive maximum 0.
    assertThat(reason(decode(0, 0x10, 0x10, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x05, 0x02, 0x00, 0x3C, 0x03, 0x21,
        0x00, 0x00, 0x00, 0x00))).isEqualTo(ReasonCode.PROTOCOL_ERROR);
  }

  /** SUBSCRIBE packet id 1, (v5: no properties,) filter "a", then the options byte under test. */
  private static Object subscribeWithOptions(int level, int options) {
    return level == 5 ? decode(5, 0x82, 0x07, 0x00, 0x01, 0x00, 0x00, 0x01, 'a', options)
        : decode(4, 0x82, 0x06, 0x00, 0x01, 0x00, 0x01, 'a', options);
  }

  @Test
  void subscriptionOptionsAreCheckedAsEachLevelSays() {
    // MQTT 5, 3.8.3.1: QoS 3 and retain handling 3 are protocol errors, reserved bits 6-7 malformed.
    assertThat(reason(subscribeWithOptions(5, 0x03))).isEqualTo(ReasonCode.PROTOCOL_ERROR);
    assertThat(reason(subscribeWithOptions(5, 0x30))).isEqualTo(ReasonCode.PROTOCOL_ERROR);
    assertThat(reason(subscribeWithOptions(5, 0x40))).isEqualTo(ReasonCode.MALFORMED_PACKET);
    assertThat(reason(subscribeWithOptions(5, 0x80))).isEqualTo(ReasonCode.MALFORMED_PACKET);
    assertThat(reason(subscribeWithOptions(5, 0x43))).isEqualTo(ReasonCode.MALFORMED_PACKET);
    MqttPacket.Subscription all = ((MqttPacket.Subscribe) subscribeWithOptions(5, 0x2E)).subscriptions().get(0);
    assertThat(all).isEqualTo(new MqttPacket.Subscription("a", 2, true, true, 2));
    MqttPacket.Subscription none = ((MqttPacket.Subscribe) subscribeWithOptions(5, 0x01)).subscriptions().get(0);
    assertThat(none).isEqualTo(new MqttPacket.Subscription("a", 1, false, false, 0));
    // The fixed header of SUBSCRIBE must carry flags 0010.
    assertThat(reason(decode(5, 0x80, 0x07, 0x00, 0x01, 0x00, 0x00, 0x01, 'a', 0x01)))
        .isEqualTo(ReasonCode.MALFORMED_PACKET);
    // MQTT 3.1.1, 3.8.3.1: QoS 3 or any of bits 2-7 is malformed.
    assertThat(reason(subscribeWithOptions(4, 0x03))).isEqualTo(ReasonCode.MALFORMED_PACKET);
    for (int bit = 2; bit < 8; bit++) {
      assertThat(reason(subscribeWithOptions(4, 1 << bit))).as("bit %d", bit).isEqualTo(ReasonCode.MALFORMED_PACKET);
    }
    assertThat(((MqttPacket.Subscribe) subscribeWithOptions(4, 0x02)).subscriptions())
        .containsExactly(new MqttPacket.Subscription("a", 2));
  }

  @Test
  void packetOverTheMaximumIsRefusedFromItsHeader() {
    EmbeddedChannel ch = new EmbeddedChannel(new MqttDecoder(100, true));
    ((MqttDecoder) ch.pipeline().first()).level(4);
    // Announces 16,383 bytes; only the header is sent.
    ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {0x30, (byte) 0xFF, 0x7F}));
    assertThat(reason(ch.readInbound())).isEqualTo(ReasonCode.PACKET_TOO_LARGE);
    // Everything after a failure is discarded.
    ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {(byte) 0xC0, 0x00}));
    assertThat((Object) ch.readInbound()).isNull();
    ch.finishAndReleaseAll();
  }
}
