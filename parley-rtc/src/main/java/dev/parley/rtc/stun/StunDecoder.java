package dev.parley.rtc.stun;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Decodes one STUN message (RFC 8489 section 5) from exactly the bytes of one datagram or TCP
 * frame. Everything is checked before anything is trusted: the leading zero bits, the length
 * field against the input, the magic cookie, every attribute's bounds, the sizes of the integrity
 * attributes, nothing after FINGERPRINT, and the FINGERPRINT's CRC.
 */
public final class StunDecoder {
  private StunDecoder() {}

  /** Bytes of the fixed header. */
  public static final int HEADER = 20;

  /** Whether the first byte can start a STUN message (the two top bits are zero). */
  public static boolean isStun(int firstByte) {
    return (firstByte & 0xC0) == 0;
  }

  public static StunMessage decode(byte[] input) throws StunException {
    return decode(input, 0, input.length);
  }

  public static StunMessage decode(byte[] input, int off, int len) throws StunException {
    if (len < HEADER) {
      throw new StunException("message of " + len + " bytes is shorter than the 20-byte STUN header");
    }
    byte[] raw = Arrays.copyOfRange(input, off, off + len);
    if (!isStun(raw[0])) {
      throw new StunException("not a STUN message: the two top bits must be zero");
    }
    int type = u16(raw, 0);
    int length = u16(raw, 2);
    if ((length & 3) != 0) {
      throw new StunException("message length " + length + " is not a multiple of 4");
    }
    if (HEADER + length != len) {
      throw new StunException("message length field says " + length + " bytes of attributes, but " + (len - HEADER)
          + " follow the header");
    }
    if (u32(raw, 4) != AddressCodec.MAGIC_COOKIE) {
      throw new StunException("no magic cookie: RFC 3489 messages are not supported");
    }
    byte[] tid = Arrays.copyOfRange(raw, 8, 20);
    List<StunAttribute> attributes = new ArrayList<>();
    int integrity = -1;
    int integritySha256 = -1;
    boolean fingerprint = false;
    int pos = HEADER;
    while (pos < len) {
      int attrType = u16(raw, pos);
      int attrLength = u16(raw, pos + 2);
      int padded = (attrLength + 3) & ~3;
      if (pos + 4 + padded > len) {
        throw new StunException("attribute 0x" + Integer.toHexString(attrType) + " of " + attrLength
            + " bytes runs past the end of the message");
      }
      if (fingerprint) {
        throw new StunException("attribute 0x" + Integer.toHexString(attrType) + " follows FINGERPRINT");
      }
      boolean keep = integrity < 0 && integritySha256 < 0;
      switch (attrType) {
        case StunAttr.MESSAGE_INTEGRITY:
          if (attrLength != 20) {
            throw new StunException("MESSAGE-INTEGRITY must be 20 bytes, not " + attrLength);
          }
          if (integrity < 0 && integritySha256 < 0) {
            integrity = pos;
          }
          break;
        case StunAttr.MESSAGE_INTEGRITY_SHA256:
          if (attrLength < 16 || attrLength > 32 || (attrLength & 3) != 0) {
            throw new StunException("MESSAGE-INTEGRITY-SHA256 must be 16 to 32 bytes in steps of 4, not " + attrLength);
          }
          if (integritySha256 < 0) {
            integritySha256 = pos;
          }
          keep = true;
          break;
        case StunAttr.FINGERPRINT:
          if (attrLength != 4) {
            throw new StunException("FINGERPRINT must be 4 bytes, not " + attrLength);
          }
          int expected = StunCrypto.crc32(raw, 0, pos) ^ StunCrypto.FINGERPRINT_XOR;
          if (u32(raw, pos + 4) != expected) {
            throw new StunException("FINGERPRINT does not match the message");
          }
          fingerprint = true;
          keep = true;
          break;
        default:
          break;
      }
      if (keep) {
        attributes.add(new StunAttribute(attrType, Arrays.copyOfRange(raw, pos + 4, pos + 4 + attrLength)));
      }
      pos += 4 + padded;
    }
    return new StunMessage(type, tid, List.copyOf(attributes), raw, integrity, integritySha256, fingerprint);
  }

  static int u16(byte[] b, int i) {
    return ((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF);
  }

  static int u32(byte[] b, int i) {
    return ((b[i] & 0xFF) << 24) | ((b[i + 1] & 0xFF) << 16) | ((b[i + 2] & 0xFF) << 8) | (b[i + 3] & 0xFF);
  }
}
