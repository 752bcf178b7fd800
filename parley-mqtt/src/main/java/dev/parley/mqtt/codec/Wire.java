package dev.parley.mqtt.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Reading and writing MQTT's data representations (section 1.5), with strict checks on input. */
public final class Wire {
  private Wire() {}

  /** The largest value a variable byte integer can hold (four bytes). */
  public static final int MAX_VARINT = 268_435_455;

  private static final ThreadLocal<CharsetDecoder> UTF8 = ThreadLocal.withInitial(() -> StandardCharsets.UTF_8
      .newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT));

  public static int readByte(ByteBuf in) throws MalformedPacketException {
    need(in, 1);
    return in.readUnsignedByte();
  }

  public static int readShort(ByteBuf in) throws MalformedPacketException {
    need(in, 2);
    return in.readUnsignedShort();
  }

  public static long readInt(ByteBuf in) throws MalformedPacketException {
    need(in, 4);
    return in.readUnsignedInt();
  }

  /** A variable byte integer of at most four bytes. */
  public static int readVarInt(ByteBuf in) throws MalformedPacketException {
    int value = 0;
    for (int i = 0; i < 4; i++) {
      need(in, 1);
      int b = in.readUnsignedByte();
      value |= (b & 0x7F) << (7 * i);
      if ((b & 0x80) == 0) {
        return value;
      }
    }
    throw MalformedPacketException.malformed("variable byte integer longer than four bytes");
  }

  /** A UTF-8 string: well formed, no U+0000 (section 1.5.4). */
  public static String readString(ByteBuf in) throws MalformedPacketException {
    int len = readShort(in);
    need(in, len);
    String s = decodeUtf8(in, in.readerIndex(), len);
    in.skipBytes(len);
    return s;
  }

  public static byte[] readBinary(ByteBuf in) throws MalformedPacketException {
    int len = readShort(in);
    need(in, len);
    byte[] b = new byte[len];
    in.readBytes(b);
    return b;
  }

  /** Decodes {@code len} bytes at {@code index} as strict MQTT UTF-8. */
  public static String decodeUtf8(ByteBuf in, int index, int len) throws MalformedPacketException {
    boolean ascii = true;
    for (int i = 0; i < len; i++) {
      byte b = in.getByte(index + i);
      if (b == 0) {
        throw MalformedPacketException.malformed("UTF-8 string contains U+0000");
      }
      if (b < 0) {
        ascii = false;
      }
    }
    if (ascii) {
      return in.toString(index, len, StandardCharsets.US_ASCII);
    }
    try {
      CharBuffer chars = UTF8.get().reset().decode(in.nioBuffer(index, len));
      return chars.toString();
    } catch (CharacterCodingException e) {
      throw MalformedPacketException.malformed("ill-formed UTF-8 string");
    }
  }

  /** Whether {@code bytes} is well-formed UTF-8 (for payload format indicator 1). */
  public static boolean isUtf8(byte[] bytes) {
    try {
      UTF8.get().reset().decode(ByteBuffer.wrap(bytes));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  private static void need(ByteBuf in, int n) throws MalformedPacketException {
    if (in.readableBytes() < n) {
      throw MalformedPacketException.malformed("packet ends inside a field");
    }
  }

  // --- writing ---------------------------------------------------------------------------

  public static int varIntSize(int value) {
    return value < 128 ? 1 : value < 16_384 ? 2 : value < 2_097_152 ? 3 : 4;
  }

  public static void writeVarInt(ByteBuf out, int value) {
    do {
      int b = value & 0x7F;
      value >>>= 7;
      out.writeByte(value > 0 ? b | 0x80 : b);
    } while (value > 0);
  }

  public static int stringSize(String s) {
    return 2 + ByteBufUtil.utf8Bytes(s);
  }

  public static void writeString(ByteBuf out, String s) {
    // Reserve exactly the encoded length: writeUtf8 would reserve three bytes a char and make the
    // encoder's exactly sized buffer grow (a reallocation and copy per packet).
    int n = ByteBufUtil.utf8Bytes(s);
    out.writeShort(n);
    ByteBufUtil.reserveAndWriteUtf8(out, s, n);
  }

  public static void writeBinary(ByteBuf out, byte[] b) {
    out.writeShort(b.length);
    out.writeBytes(b);
  }
}
