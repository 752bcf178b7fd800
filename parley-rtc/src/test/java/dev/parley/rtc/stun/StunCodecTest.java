package dev.parley.rtc.stun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.rtc.auth.Authenticator;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The codec against the test vectors of RFC 5769, round trips, and malformed input. */
class StunCodecTest {
  static byte[] bytes(int... v) {
    byte[] b = new byte[v.length];
    for (int i = 0; i < v.length; i++) {
      b[i] = (byte) v[i];
    }
    return b;
  }

  /** RFC 5769 section 2.1: a Binding request with short-term credentials (password VOkJxbRl1RmTxUk/WvJxBt). */
  static final byte[] SAMPLE_REQUEST = bytes(
      0x00, 0x01, 0x00, 0x58, // Binding request, 88 bytes of attributes
      0x21, 0x12, 0xa4, 0x42, // magic cookie
      0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86, 0xfa, 0x87, 0xdf, 0xae, // transaction id
      0x80, 0x22, 0x00, 0x10, // SOFTWARE, 16 bytes
      0x53, 0x54, 0x55, 0x4e, 0x20, 0x74, 0x65, 0x73, 0x74, 0x20, 0x63, 0x6c, 0x69, 0x65, 0x6e, 0x74, // "STUN test client"
      0x00, 0x24, 0x00, 0x04, // PRIORITY, 4 bytes
      0x6e, 0x00, 0x01, 0xff,
      0x80, 0x29, 0x00, 0x08, // ICE-CONTROLLED, 8 bytes
      0x93, 0x2f, 0xf9, 0xb1, 0x51, 0x26, 0x3b, 0x36,
      0x00, 0x06, 0x00, 0x09, // USERNAME, 9 bytes
      0x65, 0x76, 0x74, 0x6a, 0x3a, 0x68, 0x36, 0x76, 0x59, 0x20, 0x20, 0x20, // "evtj:h6vY" + 3 padding bytes (spaces)
      0x00, 0x08, 0x00, 0x14, // MESSAGE-INTEGRITY, 20 bytes
      0x9a, 0xea, 0xa7, 0x0c, 0xbf, 0xd8, 0xcb, 0x56, 0x78, 0x1e, 0xf2, 0xb5, 0xb2, 0xd3, 0xf2, 0x49, 0xc1, 0xb5, 0x71, 0xa2,
      0x80, 0x28, 0x00, 0x04, // FINGERPRINT, 4 bytes
      0xe5, 0x7a, 0x3b, 0xcf);

  /** RFC 5769 section 2.2: the IPv4 Binding success response, mapped address 192.0.2.1:32853. */
  static final byte[] IPV4_RESPONSE = bytes(
      0x01, 0x01, 0x00, 0x3c, // Binding success, 60 bytes
      0x21, 0x12, 0xa4, 0x42,
      0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86, 0xfa, 0x87, 0xdf, 0xae,
      0x80, 0x22, 0x00, 0x0b, // SOFTWARE, 11 bytes "test vector" + 1 padding
      0x74, 0x65, 0x73, 0x74, 0x20, 0x76, 0x65, 0x63, 0x74, 0x6f, 0x72, 0x20,
      0x00, 0x20, 0x00, 0x08, // XOR-MAPPED-ADDRESS, 8 bytes
      0x00, 0x01, 0xa1, 0x47, // family IPv4, port 32853 ^ 0x2112
      0xe1, 0x12, 0xa6, 0x43, // 192.0.2.1 ^ cookie
      0x00, 0x08, 0x00, 0x14, // MESSAGE-INTEGRITY
      0x2b, 0x91, 0xf5, 0x99, 0xfd, 0x9e, 0x90, 0xc3, 0x8c, 0x74, 0x89, 0xf9, 0x2a, 0xf9, 0xba, 0x53, 0xf0, 0x6b, 0xe7, 0xd7,
      0x80, 0x28, 0x00, 0x04, // FINGERPRINT
      0xc0, 0x7d, 0x4c, 0x96);

  /** RFC 5769 section 2.3: the IPv6 response, mapped address 2001:db8:1234:5678:11:2233:4455:6677 port 32853. */
  static final byte[] IPV6_RESPONSE = bytes(
      0x01, 0x01, 0x00, 0x48,
      0x21, 0x12, 0xa4, 0x42,
      0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86, 0xfa, 0x87, 0xdf, 0xae,
      0x80, 0x22, 0x00, 0x0b,
      0x74, 0x65, 0x73, 0x74, 0x20, 0x76, 0x65, 0x63, 0x74, 0x6f, 0x72, 0x20,
      0x00, 0x20, 0x00, 0x14, // XOR-MAPPED-ADDRESS, 20 bytes
      0x00, 0x02, 0xa1, 0x47, // family IPv6, xor-ed port
      0x01, 0x13, 0xa9, 0xfa, 0xa5, 0xd3, 0xf1, 0x79, 0xbc, 0x25, 0xf4, 0xb5, 0xbe, 0xd2, 0xb9, 0xd9, // address ^ cookie+tid
      0x00, 0x08, 0x00, 0x14,
      0xa3, 0x82, 0x95, 0x4e, 0x4b, 0xe6, 0x7b, 0xf1, 0x17, 0x84, 0xc9, 0x7c, 0x82, 0x92, 0xc2, 0x75, 0xbf, 0xe3, 0xed, 0x41,
      0x80, 0x28, 0x00, 0x04,
      0xc8, 0xfb, 0x0b, 0x4c);

  /**
   * RFC 5769 section 2.4: a request with long-term credentials, username U+30DE U+30C8 U+30EA U+30C3
   * U+30AF U+30B9, password "TheMatrIX" (after SASLprep), realm example.org.
   */
  static final byte[] LONG_TERM_REQUEST = bytes(
      0x00, 0x01, 0x00, 0x60,
      0x21, 0x12, 0xa4, 0x42,
      0x78, 0xad, 0x34, 0x33, 0xc6, 0xad, 0x72, 0xc0, 0x29, 0xda, 0x41, 0x2e,
      0x00, 0x06, 0x00, 0x12, // USERNAME, 18 bytes + 2 padding
      0xe3, 0x83, 0x9e, 0xe3, 0x83, 0x88, 0xe3, 0x83, 0xaa, 0xe3, 0x83, 0x83, 0xe3, 0x82, 0xaf, 0xe3, 0x82, 0xb9, 0x00, 0x00,
      0x00, 0x15, 0x00, 0x1c, // NONCE, 28 bytes "f//499k954d6OL34oL9FSTvy64sA"
      0x66, 0x2f, 0x2f, 0x34, 0x39, 0x39, 0x6b, 0x39, 0x35, 0x34, 0x64, 0x36, 0x4f, 0x4c, 0x33, 0x34, 0x6f, 0x4c, 0x39, 0x46,
      0x53, 0x54, 0x76, 0x79, 0x36, 0x34, 0x73, 0x41,
      0x00, 0x14, 0x00, 0x0b, // REALM, 11 bytes "example.org" + 1 padding
      0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x2e, 0x6f, 0x72, 0x67, 0x00,
      0x00, 0x08, 0x00, 0x14, // MESSAGE-INTEGRITY
      0xf6, 0x70, 0x24, 0x65, 0x6d, 0xd6, 0x4a, 0x3e, 0x02, 0xb8, 0xe0, 0x71, 0x2e, 0x85, 0xc9, 0xa2, 0x8c, 0xa8, 0x96, 0x66);

  static final byte[] SHORT_TERM_KEY = "VOkJxbRl1RmTxUk/WvJxBt".getBytes(StandardCharsets.UTF_8);

  @Test
  void decodesSampleRequestAndVerifiesIntegrityAndFingerprint() throws Exception {
    StunMessage m = StunDecoder.decode(SAMPLE_REQUEST);
    assertThat(m.method()).isEqualTo(StunMethod.BINDING);
    assertThat(m.cls()).isEqualTo(StunMethod.REQUEST);
    assertThat(m.text(StunAttr.SOFTWARE)).isEqualTo("STUN test client");
    assertThat(m.text(StunAttr.USERNAME)).isEqualTo("evtj:h6vY");
    assertThat(m.hasFingerprint()).isTrue();
    assertThat(m.verifyIntegrity(SHORT_TERM_KEY)).isTrue();
    assertThat(m.verifyIntegrity("wrong".getBytes(StandardCharsets.UTF_8))).isFalse();
  }

  @Test
  void decodesIpv4AndIpv6ResponsesWithXorMappedAddress() throws Exception {
    StunMessage v4 = StunDecoder.decode(IPV4_RESPONSE);
    assertThat(v4.cls()).isEqualTo(StunMethod.SUCCESS);
    assertThat(v4.address(StunAttr.XOR_MAPPED_ADDRESS).toString()).isEqualTo("192.0.2.1:32853");
    assertThat(v4.verifyIntegrity(SHORT_TERM_KEY)).isTrue();
    StunMessage v6 = StunDecoder.decode(IPV6_RESPONSE);
    TransportAddress a = v6.address(StunAttr.XOR_MAPPED_ADDRESS);
    assertThat(a.port()).isEqualTo(32853);
    assertThat(a.toSocketAddress().getAddress().getHostAddress()).isEqualTo("2001:db8:1234:5678:11:2233:4455:6677");
    assertThat(v6.verifyIntegrity(SHORT_TERM_KEY)).isTrue();
  }

  @Test
  void verifiesLongTermCredentialVector() throws Exception {
    StunMessage m = StunDecoder.decode(LONG_TERM_REQUEST);
    String user = m.text(StunAttr.USERNAME);
    assertThat(user).isEqualTo("\u30DE\u30C8\u30EA\u30C3\u30AF\u30B9");
    assertThat(m.text(StunAttr.NONCE)).isEqualTo("f//499k954d6OL34oL9FSTvy64sA");
    assertThat(m.verifyIntegrity(Authenticator.longTermKey(user, "example.org", "TheMatrIX"))).isTrue();
  }

  @Test
  void encoderReproducesTheSampleResponseByteForByte() {
    byte[] tid = Arrays.copyOfRange(IPV4_RESPONSE, 8, 20);
    byte[] built = StunMessageBuilder.of(StunMethod.BINDING, StunMethod.SUCCESS, tid)
        .add(StunAttr.SOFTWARE, "test vector".getBytes(StandardCharsets.UTF_8))
        .address(StunAttr.XOR_MAPPED_ADDRESS, new TransportAddress(new byte[] {(byte) 192, 0, 2, 1}, 32853))
        .build(SHORT_TERM_KEY, StunMessageBuilder.Integrity.SHA1, true);
    // The vector pads SOFTWARE with a space; this encoder pads with zero (any padding is valid).
    byte[] expected = IPV4_RESPONSE.clone();
    expected[35] = 0;
    assertThat(Arrays.copyOf(built, 48)).isEqualTo(Arrays.copyOf(expected, 48));
    assertThat(built).hasSize(expected.length);
  }

  @Test
  void roundTripsEveryTurnAttributeWithSha256IntegrityAndFingerprint() throws Exception {
    byte[] tid = bytes(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
    TransportAddress peer = new TransportAddress(new byte[] {(byte) 203, 0, 113, 7}, 40000);
    byte[] key = "k".getBytes(StandardCharsets.UTF_8);
    byte[] wire = StunMessageBuilder.of(StunMethod.CHANNEL_BIND, StunMethod.REQUEST, tid)
        .u32(StunAttr.CHANNEL_NUMBER, 0x40010000L)
        .address(StunAttr.XOR_PEER_ADDRESS, peer)
        .u32(StunAttr.LIFETIME, 600)
        .text(StunAttr.USERNAME, "1700000000:alice")
        .add(StunAttr.DATA, new byte[] {1, 2, 3})
        .build(key, StunMessageBuilder.Integrity.SHA256, true);
    StunMessage m = StunDecoder.decode(wire);
    assertThat(m.method()).isEqualTo(StunMethod.CHANNEL_BIND);
    assertThat(m.transactionId()).isEqualTo(tid);
    assertThat(m.address(StunAttr.XOR_PEER_ADDRESS)).isEqualTo(peer);
    assertThat(m.get(StunAttr.LIFETIME).u32()).isEqualTo(600);
    assertThat(m.get(StunAttr.DATA).value()).containsExactly(1, 2, 3);
    assertThat(m.hasIntegritySha256()).isTrue();
    assertThat(m.verifyIntegritySha256(key)).isTrue();
    assertThat(m.verifyIntegritySha256(new byte[] {9})).isFalse();
    assertThat(m.hasFingerprint()).isTrue();
  }

  @Test
  void messageTypeInterleavesClassBits() {
    assertThat(StunMethod.type(StunMethod.ALLOCATE, StunMethod.REQUEST)).isEqualTo(0x0003);
    assertThat(StunMethod.type(StunMethod.ALLOCATE, StunMethod.SUCCESS)).isEqualTo(0x0103);
    assertThat(StunMethod.type(StunMethod.ALLOCATE, StunMethod.ERROR)).isEqualTo(0x0113);
    assertThat(StunMethod.type(StunMethod.SEND, StunMethod.INDICATION)).isEqualTo(0x0016);
    assertThat(StunMethod.type(StunMethod.DATA, StunMethod.INDICATION)).isEqualTo(0x0017);
    for (int method = 0; method < 0x1000; method += 7) {
      for (int cls = 0; cls < 4; cls++) {
        int t = StunMethod.type(method, cls);
        assertThat(StunMethod.method(t)).isEqualTo(method);
        assertThat(StunMethod.cls(t)).isEqualTo(cls);
      }
    }
  }

  @Test
  void attributesAfterIntegrityAreIgnoredButFingerprintKept() throws Exception {
    byte[] tid = new byte[12];
    byte[] signed = StunMessageBuilder.of(StunMethod.BINDING, StunMethod.REQUEST, tid)
        .text(StunAttr.USERNAME, "u").build("k".getBytes(StandardCharsets.UTF_8), StunMessageBuilder.Integrity.SHA1, false);
    // Append SOFTWARE after MESSAGE-INTEGRITY and fix the length: it must be ignored, integrity still verifies.
    byte[] extra = bytes(0x80, 0x22, 0x00, 0x04, 'e', 'v', 'i', 'l');
    byte[] wire = Arrays.copyOf(signed, signed.length + 8);
    System.arraycopy(extra, 0, wire, signed.length, 8);
    wire[3] = (byte) (wire.length - 20);
    StunMessage m = StunDecoder.decode(wire);
    assertThat(m.has(StunAttr.SOFTWARE)).isFalse();
    assertThat(m.verifyIntegrity("k".getBytes(StandardCharsets.UTF_8))).isTrue();
  }

  @Test
  void malformedInputIsRefusedWithItsReason() {
    assertThatThrownBy(() -> StunDecoder.decode(new byte[19])).hasMessageContaining("shorter than the 20-byte");
    byte[] topBits = SAMPLE_REQUEST.clone();
    topBits[0] = (byte) 0x80;
    assertThatThrownBy(() -> StunDecoder.decode(topBits)).hasMessageContaining("two top bits");
    byte[] oddLength = SAMPLE_REQUEST.clone();
    oddLength[3] = 0x57;
    assertThatThrownBy(() -> StunDecoder.decode(oddLength)).hasMessageContaining("not a multiple of 4");
    byte[] shortLength = SAMPLE_REQUEST.clone();
    shortLength[3] = 0x54;
    assertThatThrownBy(() -> StunDecoder.decode(shortLength)).hasMessageContaining("follow the header");
    byte[] noCookie = SAMPLE_REQUEST.clone();
    noCookie[4] = 0;
    assertThatThrownBy(() -> StunDecoder.decode(noCookie)).hasMessageContaining("magic cookie");
    byte[] badFingerprint = SAMPLE_REQUEST.clone();
    badFingerprint[badFingerprint.length - 1] ^= 1;
    assertThatThrownBy(() -> StunDecoder.decode(badFingerprint)).hasMessageContaining("FINGERPRINT does not match");
    byte[] overrun = SAMPLE_REQUEST.clone();
    overrun[23] = 0x70; // SOFTWARE claims 112 bytes
    assertThatThrownBy(() -> StunDecoder.decode(overrun)).hasMessageContaining("runs past the end");
    byte[] shortIntegrity = StunMessageBuilder.of(1, 0, new byte[12]).add(StunAttr.MESSAGE_INTEGRITY, new byte[16]).build();
    assertThatThrownBy(() -> StunDecoder.decode(shortIntegrity)).hasMessageContaining("MESSAGE-INTEGRITY must be 20");
    byte[] afterFingerprint = StunMessageBuilder.of(1, 0, new byte[12]).add(StunAttr.FINGERPRINT, new byte[4])
        .add(StunAttr.SOFTWARE, new byte[4]).build();
    assertThatThrownBy(() -> StunDecoder.decode(afterFingerprint)).hasMessageContaining("FINGERPRINT");
  }

  @Test
  void malformedAddressesAreRefused() {
    byte[] tid = new byte[12];
    assertThatThrownBy(() -> AddressCodec.decode(bytes(0, 3, 0, 1, 1, 2, 3, 4), tid, true)).hasMessageContaining("family");
    assertThatThrownBy(() -> AddressCodec.decode(bytes(0, 1, 0, 1, 1, 2, 3), tid, true)).hasMessageContaining("must be 8");
    assertThatThrownBy(() -> AddressCodec.decode(bytes(0, 2, 0, 1, 1, 2, 3, 4), tid, true)).hasMessageContaining("must be 20");
    assertThatThrownBy(() -> AddressCodec.decode(bytes(0, 1), tid, true)).hasMessageContaining("shorter");
  }

  @Test
  void errorCodeCarriesClassAndNumber() throws Exception {
    byte[] wire = StunMessageBuilder.of(StunMethod.ALLOCATE, StunMethod.ERROR, new byte[12]).error(438, "Stale Nonce").build();
    byte[] v = StunDecoder.decode(wire).get(StunAttr.ERROR_CODE).value();
    assertThat(v[2]).isEqualTo((byte) 4);
    assertThat(v[3]).isEqualTo((byte) 38);
    assertThat(new String(v, 4, v.length - 4, StandardCharsets.UTF_8)).isEqualTo("Stale Nonce");
  }
}
