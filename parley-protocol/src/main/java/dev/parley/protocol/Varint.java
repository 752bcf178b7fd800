package dev.parley.protocol;

import java.nio.ByteBuffer;

/**
 * Unsigned varint32, the length prefix of TCP frames (the same encoding protobuf uses).
 */
public final class Varint {
  /** Returned by {@link #read} when the buffer ends inside the varint. */
  public static final int INCOMPLETE = -1;
  /** Returned by {@link #read} when the varint is longer than five bytes or overflows 31 bits. */
  public static final int MALFORMED = -2;

  private Varint() {}

  /** Number of bytes {@code value} (non-negative) takes. */
  public static int size(int value) {
    if ((value & (~0 << 7)) == 0) {
      return 1;
    }
    if ((value & (~0 << 14)) == 0) {
      return 2;
    }
    if ((value & (~0 << 21)) == 0) {
      return 3;
    }
    if ((value & (~0 << 28)) == 0) {
      return 4;
    }
    return 5;
  }

  /** Writes {@code value} (non-negative) at {@code offset}; returns the offset after it. */
  public static int write(byte[] dst, int offset, int value) {
    int v = value;
    while ((v & ~0x7F) != 0) {
      dst[offset++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    dst[offset++] = (byte) v;
    return offset;
  }

  /**
   * Reads a varint from {@code buf} at its position without moving it. Returns the value, or
   * {@link #INCOMPLETE} / {@link #MALFORMED}. On success, {@link #size(int)} of the value is not
   * necessarily the number of bytes read (overlong encodings are allowed by protobuf), so use
   * {@link #readLength} when the position must advance.
   */
  public static long read(ByteBuffer buf) {
    int pos = buf.position();
    int limit = buf.limit();
    int result = 0;
    for (int i = 0; i < 5; i++) {
      if (pos + i >= limit) {
        return INCOMPLETE;
      }
      byte b = buf.get(pos + i);
      if (i == 4 && (b & 0xF8) != 0) {
        return MALFORMED;
      }
      result |= (b & 0x7F) << (7 * i);
      if (b >= 0) {
        return ((long) (i + 1) << 32) | (result & 0xFFFFFFFFL);
      }
    }
    return MALFORMED;
  }

  /** Length of a value packed by {@link #read}: the varint's own size in bytes. */
  public static int readLength(long packed) {
    return (int) (packed >>> 32);
  }

  /** Value of a result packed by {@link #read}. */
  public static int readValue(long packed) {
    return (int) packed;
  }
}
