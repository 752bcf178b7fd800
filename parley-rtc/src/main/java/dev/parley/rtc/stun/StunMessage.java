package dev.parley.rtc.stun;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import javax.crypto.Mac;

/**
 * A decoded STUN message: type, transaction id and attributes in wire order. Attributes after
 * MESSAGE-INTEGRITY other than MESSAGE-INTEGRITY-SHA256 and FINGERPRINT are left out, as RFC 8489
 * section 14.5 requires. The raw bytes are kept so the integrity attributes can be checked once the
 * key is known.
 */
public final class StunMessage {
  private final int type;
  private final byte[] transactionId;
  private final List<StunAttribute> attributes;
  private final byte[] raw;
  private final int integrityOffset;
  private final int integritySha256Offset;
  private final boolean fingerprint;

  StunMessage(int type, byte[] transactionId, List<StunAttribute> attributes, byte[] raw, int integrityOffset,
      int integritySha256Offset, boolean fingerprint) {
    this.type = type;
    this.transactionId = transactionId;
    this.attributes = attributes;
    this.raw = raw;
    this.integrityOffset = integrityOffset;
    this.integritySha256Offset = integritySha256Offset;
    this.fingerprint = fingerprint;
  }

  public int type() {
    return type;
  }

  public int method() {
    return StunMethod.method(type);
  }

  public int cls() {
    return StunMethod.cls(type);
  }

  public byte[] transactionId() {
    return transactionId;
  }

  public List<StunAttribute> attributes() {
    return attributes;
  }

  /** The first attribute of {@code attrType}, or null. */
  public StunAttribute get(int attrType) {
    for (StunAttribute a : attributes) {
      if (a.type() == attrType) {
        return a;
      }
    }
    return null;
  }

  public boolean has(int attrType) {
    return get(attrType) != null;
  }

  /** The attribute's value as UTF-8 text, or null when absent. */
  public String text(int attrType) {
    StunAttribute a = get(attrType);
    return a == null ? null : new String(a.value(), StandardCharsets.UTF_8);
  }

  /** Decodes an address attribute (XOR-ed if its type is one of the XOR- types); null when absent. */
  public TransportAddress address(int attrType) throws StunException {
    StunAttribute a = get(attrType);
    if (a == null) {
      return null;
    }
    boolean xor = attrType != StunAttr.MAPPED_ADDRESS && attrType != StunAttr.ALTERNATE_SERVER;
    return AddressCodec.decode(a.value(), transactionId, xor);
  }

  public boolean hasIntegrity() {
    return integrityOffset >= 0;
  }

  public boolean hasIntegritySha256() {
    return integritySha256Offset >= 0;
  }

  public boolean hasFingerprint() {
    return fingerprint;
  }

  /** The encoded message as received. */
  public byte[] raw() {
    return raw;
  }

  /** Checks MESSAGE-INTEGRITY (HMAC-SHA1) with {@code key}; false when the attribute is absent. */
  public boolean verifyIntegrity(byte[] key) {
    return verify(key, integrityOffset, false);
  }

  /** Checks MESSAGE-INTEGRITY-SHA256 with {@code key}; false when the attribute is absent. */
  public boolean verifyIntegritySha256(byte[] key) {
    return verify(key, integritySha256Offset, true);
  }

  private boolean verify(byte[] key, int offset, boolean sha256) {
    if (offset < 0) {
      return false;
    }
    int valueLength = ((raw[offset + 2] & 0xFF) << 8) | (raw[offset + 3] & 0xFF);
    // The length field covers the message up to and including this attribute (RFC 8489 14.5).
    int adjusted = offset - StunDecoder.HEADER + 4 + valueLength;
    Mac mac = StunCrypto.hmac(key, sha256);
    mac.update(raw, 0, 2);
    mac.update((byte) (adjusted >>> 8));
    mac.update((byte) adjusted);
    mac.update(raw, 4, offset - 4);
    byte[] expected = mac.doFinal();
    byte[] got = Arrays.copyOfRange(raw, offset + 4, offset + 4 + valueLength);
    return MessageDigest.isEqual(Arrays.copyOf(expected, valueLength), got);
  }

  @Override
  public String toString() {
    String cls = switch (cls()) {
      case StunMethod.REQUEST -> "request";
      case StunMethod.INDICATION -> "indication";
      case StunMethod.SUCCESS -> "success";
      default -> "error";
    };
    return StunMethod.name(method()) + " " + cls + " (" + attributes.size() + " attributes)";
  }
}
