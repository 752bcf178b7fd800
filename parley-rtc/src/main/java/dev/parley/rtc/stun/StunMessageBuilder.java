package dev.parley.rtc.stun;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import javax.crypto.Mac;

/**
 * Encodes a STUN message: attributes in the order added, then optionally MESSAGE-INTEGRITY or
 * MESSAGE-INTEGRITY-SHA256 and FINGERPRINT, each computed over the message with the length field
 * covering up to that attribute (RFC 8489 sections 14.5, 14.6, 14.7).
 */
public final class StunMessageBuilder {
  /** Which integrity attribute to add. */
  public enum Integrity { NONE, SHA1, SHA256 }

  private final int type;
  private final byte[] transactionId;
  private byte[] body = new byte[128];
  private int size;

  public StunMessageBuilder(int type, byte[] transactionId) {
    if (transactionId.length != 12) {
      throw new IllegalArgumentException("a transaction id has 12 bytes");
    }
    this.type = type;
    this.transactionId = transactionId;
  }

  public static StunMessageBuilder of(int method, int cls, byte[] transactionId) {
    return new StunMessageBuilder(StunMethod.type(method, cls), transactionId);
  }

  /** A response of class {@code cls} to {@code request}: same method and transaction id. */
  public static StunMessageBuilder responseTo(StunMessage request, int cls) {
    return of(request.method(), cls, request.transactionId());
  }

  public StunMessageBuilder add(int attrType, byte[] value) {
    return add(attrType, value, 0, value.length);
  }

  public StunMessageBuilder add(int attrType, byte[] value, int off, int len) {
    if (len > 0xFFFF) {
      throw new IllegalArgumentException("attribute value too long: " + len);
    }
    int padded = (len + 3) & ~3;
    ensure(4 + padded);
    body[size] = (byte) (attrType >>> 8);
    body[size + 1] = (byte) attrType;
    body[size + 2] = (byte) (len >>> 8);
    body[size + 3] = (byte) len;
    System.arraycopy(value, off, body, size + 4, len);
    Arrays.fill(body, size + 4 + len, size + 4 + padded, (byte) 0);
    size += 4 + padded;
    return this;
  }

  public StunMessageBuilder text(int attrType, String value) {
    return add(attrType, value.getBytes(StandardCharsets.UTF_8));
  }

  public StunMessageBuilder u32(int attrType, long value) {
    return add(attrType, new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value});
  }

  /** An address attribute; XOR-ed unless the type is MAPPED-ADDRESS or ALTERNATE-SERVER. */
  public StunMessageBuilder address(int attrType, TransportAddress a) {
    boolean xor = attrType != StunAttr.MAPPED_ADDRESS && attrType != StunAttr.ALTERNATE_SERVER;
    return add(attrType, AddressCodec.encode(a, transactionId, xor));
  }

  /** ERROR-CODE (RFC 8489 section 14.8): the class (hundreds) and number, then the reason phrase. */
  public StunMessageBuilder error(int code, String reason) {
    byte[] r = reason.getBytes(StandardCharsets.UTF_8);
    byte[] v = new byte[4 + Math.min(r.length, 763)];
    v[2] = (byte) (code / 100);
    v[3] = (byte) (code % 100);
    System.arraycopy(r, 0, v, 4, v.length - 4);
    return add(StunAttr.ERROR_CODE, v);
  }

  public byte[] build() {
    return build(null, Integrity.NONE, false);
  }

  /** The encoded message, with the integrity attribute keyed by {@code key} and FINGERPRINT if asked. */
  public byte[] build(byte[] key, Integrity integrity, boolean fingerprint) {
    int macLength = integrity == Integrity.SHA1 ? 20 : integrity == Integrity.SHA256 ? 32 : 0;
    int total = StunDecoder.HEADER + size + (macLength > 0 ? 4 + macLength : 0) + (fingerprint ? 8 : 0);
    byte[] out = new byte[total];
    out[0] = (byte) (type >>> 8);
    out[1] = (byte) type;
    out[4] = 0x21;
    out[5] = 0x12;
    out[6] = (byte) 0xA4;
    out[7] = 0x42;
    System.arraycopy(transactionId, 0, out, 8, 12);
    System.arraycopy(body, 0, out, StunDecoder.HEADER, size);
    int pos = StunDecoder.HEADER + size;
    if (macLength > 0) {
      setLength(out, pos + 4 + macLength);
      Mac mac = StunCrypto.hmac(key, integrity == Integrity.SHA256);
      mac.update(out, 0, pos);
      byte[] h = mac.doFinal();
      out[pos] = 0;
      out[pos + 1] = (byte) (integrity == Integrity.SHA256 ? StunAttr.MESSAGE_INTEGRITY_SHA256 : StunAttr.MESSAGE_INTEGRITY);
      out[pos + 3] = (byte) macLength;
      System.arraycopy(h, 0, out, pos + 4, macLength);
      pos += 4 + macLength;
    }
    if (fingerprint) {
      setLength(out, pos + 8);
      int crc = StunCrypto.crc32(out, 0, pos) ^ StunCrypto.FINGERPRINT_XOR;
      out[pos] = (byte) 0x80;
      out[pos + 1] = 0x28;
      out[pos + 3] = 4;
      out[pos + 4] = (byte) (crc >>> 24);
      out[pos + 5] = (byte) (crc >>> 16);
      out[pos + 6] = (byte) (crc >>> 8);
      out[pos + 7] = (byte) crc;
      pos += 8;
    }
    setLength(out, pos);
    return out;
  }

  private static void setLength(byte[] out, int end) {
    int length = end - StunDecoder.HEADER;
    out[2] = (byte) (length >>> 8);
    out[3] = (byte) length;
  }

  private void ensure(int more) {
    if (size + more > body.length) {
      body = Arrays.copyOf(body, Math.max(body.length * 2, size + more));
    }
  }
}
