package dev.parley.live.amf;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Encodes Java values as AMF3. It writes no references (they are optional for a writer), so every
 * value is written in full; anonymous objects are written as dynamic objects without sealed members.
 */
final class Amf3Writer {
  private static final int MIN_INT = -(1 << 28);
  private static final int MAX_INT = (1 << 28) - 1;

  private Amf3Writer() {}

  /** Writes one value. */
  public static void write(ByteBuf out, Object v) {
    if (v == null) {
      out.writeByte(0x01);
    } else if (v instanceof Amf.Undefined) {
      out.writeByte(0x00);
    } else if (v instanceof Boolean b) {
      out.writeByte(b ? 0x03 : 0x02);
    } else if (v instanceof Integer i && i >= MIN_INT && i <= MAX_INT) {
      out.writeByte(0x04);
      u29(out, i & 0x1FFFFFFF);
    } else if (v instanceof Number n) {
      out.writeByte(0x05).writeDouble(n.doubleValue());
    } else if (v instanceof String s) {
      out.writeByte(0x06);
      string(out, s);
    } else if (v instanceof Amf.Xml x) {
      out.writeByte(0x0B);
      byte[] b = x.text().getBytes(StandardCharsets.UTF_8);
      u29(out, (b.length << 1) | 1);
      out.writeBytes(b);
    } else if (v instanceof Amf.Date d) {
      out.writeByte(0x08);
      u29(out, 1);
      out.writeDouble(d.millis());
    } else if (v instanceof List<?> l) {
      array(out, Map.of(), l);
    } else if (v instanceof Amf.MixedArray m) {
      array(out, m.associative(), m.dense());
    } else if (v instanceof Amf.TypedObject t) {
      object(out, t.className(), t.properties());
    } else if (v instanceof Map<?, ?> m) {
      object(out, "", m);
    } else if (v instanceof Amf.ByteArray b) {
      out.writeByte(0x0C);
      u29(out, (b.bytes().length << 1) | 1);
      out.writeBytes(b.bytes());
    } else if (v instanceof Amf.Vector vec) {
      vector(out, vec);
    } else {
      throw new IllegalArgumentException("no AMF3 form for " + v.getClass().getName());
    }
  }

  private static void array(ByteBuf out, Map<?, ?> assoc, List<?> dense) {
    out.writeByte(0x09);
    u29(out, (dense.size() << 1) | 1);
    for (Map.Entry<?, ?> e : assoc.entrySet()) {
      string(out, String.valueOf(e.getKey()));
      write(out, e.getValue());
    }
    string(out, "");
    for (Object o : dense) {
      write(out, o);
    }
  }

  private static void object(ByteBuf out, String className, Map<?, ?> props) {
    out.writeByte(0x0A);
    u29(out, 0x0B); // inline object, inline traits, dynamic, no sealed members
    string(out, className);
    for (Map.Entry<?, ?> e : props.entrySet()) {
      string(out, String.valueOf(e.getKey()));
      write(out, e.getValue());
    }
    string(out, "");
  }

  private static void vector(ByteBuf out, Amf.Vector v) {
    out.writeByte(v.type());
    u29(out, (v.items().size() << 1) | 1);
    out.writeByte(v.fixed() ? 1 : 0);
    if (v.type() == 0x10) {
      string(out, v.className() == null ? "" : v.className());
    }
    for (Object o : v.items()) {
      switch (v.type()) {
        case 0x0D:
          out.writeInt(((Number) o).intValue());
          break;
        case 0x0E:
          out.writeInt((int) ((Number) o).longValue());
          break;
        case 0x0F:
          out.writeDouble(((Number) o).doubleValue());
          break;
        default:
          write(out, o);
          break;
      }
    }
  }

  private static void string(ByteBuf out, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    u29(out, (b.length << 1) | 1);
    out.writeBytes(b);
  }

  /** A variable-length unsigned 29-bit integer. */
  static void u29(ByteBuf out, int v) {
    v &= 0x1FFFFFFF;
    if (v < 0x80) {
      out.writeByte(v);
    } else if (v < 0x4000) {
      out.writeByte((v >> 7) | 0x80).writeByte(v & 0x7F);
    } else if (v < 0x200000) {
      out.writeByte((v >> 14) | 0x80).writeByte((v >> 7) | 0x80).writeByte(v & 0x7F);
    } else {
      out.writeByte((v >> 22) | 0x80).writeByte((v >> 15) | 0x80).writeByte((v >> 8) | 0x80).writeByte(v & 0xFF);
    }
  }
}
