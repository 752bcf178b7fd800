package dev.parley.live.amf;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** Encodes Java values as AMF0 (the shapes of {@link Amf}); values only AMF3 has go behind the AVM+ switch. */
public final class Amf0Writer {
  private Amf0Writer() {}

  /** Writes each value in turn. */
  public static void writeAll(ByteBuf out, Object... values) {
    for (Object v : values) {
      write(out, v);
    }
  }

  /** Writes one value. */
  public static void write(ByteBuf out, Object v) {
    if (v == null) {
      out.writeByte(0x05);
    } else if (v instanceof Number n) {
      out.writeByte(0x00).writeDouble(n.doubleValue());
    } else if (v instanceof Boolean b) {
      out.writeByte(0x01).writeByte(b ? 1 : 0);
    } else if (v instanceof String s) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      if (b.length > 0xFFFF) {
        out.writeByte(0x0C).writeInt(b.length).writeBytes(b);
      } else {
        out.writeByte(0x02).writeShort(b.length).writeBytes(b);
      }
    } else if (v instanceof Amf.EcmaArray m) {
      out.writeByte(0x08).writeInt(m.size());
      writeProperties(out, m);
    } else if (v instanceof Map<?, ?> m) {
      out.writeByte(0x03);
      writeProperties(out, m);
    } else if (v instanceof Amf.TypedObject t) {
      out.writeByte(0x10);
      writeKey(out, t.className());
      writeProperties(out, t.properties());
    } else if (v instanceof List<?> l) {
      out.writeByte(0x0A).writeInt(l.size());
      for (Object o : l) {
        write(out, o);
      }
    } else if (v instanceof Amf.Undefined) {
      out.writeByte(0x06);
    } else if (v instanceof Amf.Unsupported) {
      out.writeByte(0x0D);
    } else if (v instanceof Amf.Date d) {
      out.writeByte(0x0B).writeDouble(d.millis()).writeShort(d.timeZone());
    } else if (v instanceof Amf.Xml x) {
      byte[] b = x.text().getBytes(StandardCharsets.UTF_8);
      out.writeByte(0x0F).writeInt(b.length).writeBytes(b);
    } else if (v instanceof Amf.ByteArray || v instanceof Amf.Vector || v instanceof Amf.MixedArray) {
      out.writeByte(0x11);
      Amf3Writer.write(out, v);
    } else {
      throw new IllegalArgumentException("no AMF0 form for " + v.getClass().getName());
    }
  }

  private static void writeProperties(ByteBuf out, Map<?, ?> m) {
    for (Map.Entry<?, ?> e : m.entrySet()) {
      writeKey(out, String.valueOf(e.getKey()));
      write(out, e.getValue());
    }
    out.writeShort(0).writeByte(0x09);
  }

  private static void writeKey(ByteBuf out, String key) {
    byte[] b = key.getBytes(StandardCharsets.UTF_8);
    out.writeShort(b.length).writeBytes(b);
  }
}
