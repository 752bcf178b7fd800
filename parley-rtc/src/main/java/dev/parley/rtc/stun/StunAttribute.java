package dev.parley.rtc.stun;

import java.nio.charset.StandardCharsets;

/**
 * One attribute: its type and its value without padding.
 *
 * @param type the 16-bit attribute type ({@link StunAttr})
 * @param value the value bytes (never padded)
 */
public record StunAttribute(int type, byte[] value) {
  /** The value as UTF-8 text (USERNAME, REALM, NONCE, SOFTWARE). */
  public String text() {
    return new String(value, StandardCharsets.UTF_8);
  }

  /** The value as an unsigned 32-bit number (LIFETIME), or -1 if it is not 4 bytes. */
  public long u32() {
    if (value.length != 4) {
      return -1;
    }
    return ((value[0] & 0xFFL) << 24) | ((value[1] & 0xFF) << 16) | ((value[2] & 0xFF) << 8) | (value[3] & 0xFF);
  }
}
