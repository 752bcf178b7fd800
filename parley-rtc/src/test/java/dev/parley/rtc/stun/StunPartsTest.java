package dev.parley.rtc.stun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** The small parts of the codec: ChannelData numbers and lengths, attribute types, addresses, builder growth. */
class StunPartsTest {
  static final byte[] TID = new byte[12];

  @Test
  void channelDataIsRecognisedByItsTopBits_andBindableOnlyInRfc8656Range() {
    assertThat(ChannelData.isChannelData(0x40)).isTrue();
    assertThat(ChannelData.isChannelData(0x7F)).isTrue();
    assertThat(ChannelData.isChannelData(0x3F)).as("STUN starts 00").isFalse();
    assertThat(ChannelData.isChannelData(0x80)).isFalse();
    assertThat(ChannelData.isChannelData(0xC0)).isFalse();
    assertThat(ChannelData.isBindable(0x4000)).isTrue();
    assertThat(ChannelData.isBindable(0x4FFF)).isTrue();
    assertThat(ChannelData.isBindable(0x3FFF)).isFalse();
    assertThat(ChannelData.isBindable(0x5000)).isFalse();
    // header 4 bytes; over TCP the data is padded to a multiple of 4
    assertThat(ChannelData.frameLength(5, false)).isEqualTo(9);
    assertThat(ChannelData.frameLength(5, true)).isEqualTo(12);
    assertThat(ChannelData.frameLength(8, true)).isEqualTo(12);
    assertThat(ChannelData.frameLength(0, true)).isEqualTo(4);
  }

  @Test
  void comprehensionRequiredAttributesAreBelow0x8000() {
    assertThat(StunAttr.comprehensionRequired(0x0000)).isTrue();
    assertThat(StunAttr.comprehensionRequired(0x7FFF)).isTrue();
    assertThat(StunAttr.comprehensionRequired(0x8000)).isFalse();
    assertThat(StunAttr.comprehensionRequired(StunAttr.FINGERPRINT)).isFalse();
  }

  @Test
  void methodsHaveNamesForLogs() {
    assertThat(StunMethod.name(StunMethod.BINDING)).isEqualTo("Binding");
    assertThat(StunMethod.name(StunMethod.ALLOCATE)).isEqualTo("Allocate");
    assertThat(StunMethod.name(StunMethod.REFRESH)).isEqualTo("Refresh");
    assertThat(StunMethod.name(StunMethod.SEND)).isEqualTo("Send");
    assertThat(StunMethod.name(StunMethod.DATA)).isEqualTo("Data");
    assertThat(StunMethod.name(StunMethod.CREATE_PERMISSION)).isEqualTo("CreatePermission");
    assertThat(StunMethod.name(StunMethod.CHANNEL_BIND)).isEqualTo("ChannelBind");
    assertThat(StunMethod.name(0x0123)).isEqualTo("0x123");
  }

  @Test
  void transportAddressesCompareByBytesAndPort() throws Exception {
    TransportAddress a = TransportAddress.of(new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 3478));
    TransportAddress b = new TransportAddress(new byte[] {(byte) 192, 0, 2, 1}, 3478);
    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
    assertThat(a).isNotEqualTo(new TransportAddress(new byte[] {(byte) 192, 0, 2, 1}, 3479));
    assertThat(a).isNotEqualTo(new TransportAddress(new byte[] {(byte) 192, 0, 2, 2}, 3478));
    assertThat(a.hashCode()).isNotEqualTo(new TransportAddress(new byte[] {(byte) 192, 0, 2, 1}, 3479).hashCode());
    assertThat(a.isIpv4()).isTrue();
    assertThat(new TransportAddress(new byte[16], 1).isIpv4()).isFalse();
    assertThat(new TransportAddress(new byte[4], 0xFFFF).port()).isEqualTo(0xFFFF);
    assertThatThrownBy(() -> new TransportAddress(new byte[4], 0x10000)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new TransportAddress(new byte[4], -1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new TransportAddress(new byte[5], 1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void attributesReadAsTextAndNumbers() {
    assertThat(new StunAttribute(StunAttr.REALM, "parley".getBytes()).text()).isEqualTo("parley");
    assertThat(new StunAttribute(StunAttr.LIFETIME, new byte[] {(byte) 0xFF, 0x01, 0x02, 0x03}).u32())
        .isEqualTo(0xFF010203L);
    assertThat(new StunAttribute(StunAttr.LIFETIME, new byte[] {0, 0, 0, 1}).u32()).isEqualTo(1);
    assertThat(new StunAttribute(StunAttr.LIFETIME, new byte[] {0, 0, 1, 0}).u32()).isEqualTo(256);
    assertThat(new StunAttribute(StunAttr.LIFETIME, new byte[] {0, 1, 0, 0}).u32()).isEqualTo(65536);
    assertThat(new StunAttribute(StunAttr.LIFETIME, new byte[3]).u32()).isEqualTo(-1);
  }

  @Test
  void manyAndOddSizedAttributesRoundTripWithPadding() throws Exception {
    StunMessageBuilder b = StunMessageBuilder.of(StunMethod.BINDING, StunMethod.REQUEST, TID);
    for (int i = 0; i < 30; i++) {
      b.add(0x8000 + i, new byte[i % 7]);
    }
    b.u32(StunAttr.LIFETIME, 0xDEADBEEFL);
    b.add(StunAttr.SOFTWARE, new byte[] {9, 1, 2, 3, 4, 5}, 1, 4);
    byte[] wire = b.build();
    StunMessage m = StunDecoder.decode(wire);
    assertThat(m.type()).isEqualTo(StunMethod.BINDING);
    assertThat(m.raw()).isEqualTo(wire);
    assertThat(m.attributes()).hasSize(32);
    for (int i = 0; i < 30; i++) {
      assertThat(m.attributes().get(i).type()).isEqualTo(0x8000 + i);
      assertThat(m.attributes().get(i).value()).hasSize(i % 7);
    }
    assertThat(m.get(StunAttr.LIFETIME).u32()).isEqualTo(0xDEADBEEFL);
    assertThat(m.get(StunAttr.SOFTWARE).value()).containsExactly(1, 2, 3, 4);
    assertThat(m.hasIntegrity()).isFalse();
    assertThat(m.hasIntegritySha256()).isFalse();
    assertThat(m.hasFingerprint()).isFalse();
    assertThat(m.toString()).contains("Binding");
    assertThatThrownBy(() -> b.add(StunAttr.DATA, new byte[0x10000])).isInstanceOf(IllegalArgumentException.class);
    b.add(StunAttr.DATA, new byte[0xFFFF]);
  }

  @Test
  void aBareHeaderIsAMessage_andIntegritySha256MayBeTruncatedTo16Bytes() throws Exception {
    byte[] bare = StunMessageBuilder.of(StunMethod.BINDING, StunMethod.REQUEST, TID).build();
    assertThat(bare).hasSize(20);
    assertThat(StunDecoder.decode(bare).attributes()).isEmpty();
    assertThatThrownBy(() -> StunDecoder.decode(bare, 0, 19)).isInstanceOf(StunException.class);
    for (int n : new int[] {16, 32}) {
      StunMessage m = StunDecoder.decode(StunMessageBuilder.of(StunMethod.BINDING, StunMethod.REQUEST, TID)
          .add(StunAttr.MESSAGE_INTEGRITY_SHA256, new byte[n]).build());
      assertThat(m.hasIntegritySha256()).as("%d bytes", n).isTrue();
      assertThat(m.hasIntegrity()).isFalse();
    }
    for (int n : new int[] {12, 36}) {
      assertThatThrownBy(() -> StunDecoder.decode(StunMessageBuilder.of(StunMethod.BINDING, StunMethod.REQUEST, TID)
          .add(StunAttr.MESSAGE_INTEGRITY_SHA256, new byte[n]).build())).isInstanceOf(StunException.class);
    }
  }

  @Test
  void aResponseKeepsTheRequestsMethodAndTransaction() throws Exception {
    byte[] tid = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    StunMessage req = StunDecoder.decode(StunMessageBuilder.of(StunMethod.ALLOCATE, StunMethod.REQUEST, tid).build());
    StunMessage resp = StunDecoder.decode(StunMessageBuilder.responseTo(req, StunMethod.ERROR).error(401, "x").build());
    assertThat(resp.method()).isEqualTo(StunMethod.ALLOCATE);
    assertThat(resp.cls()).isEqualTo(StunMethod.ERROR);
    assertThat(resp.transactionId()).containsExactly(tid);
  }
}
