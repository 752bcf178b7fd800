package dev.parley.live.amf;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes AMF0 values (and AMF3 values behind the AVM+ switch marker) from a buffer. Every length
 * and count is checked against what is left to read before anything is allocated, and nesting is
 * bounded, so hostile input cannot make it allocate or recurse without limit.
 */
public final class Amf0Reader {
  /** Deepest nesting of objects and arrays accepted. */
  public static final int MAX_DEPTH = 64;

  private final ByteBuf in;
  private final List<Object> references = new ArrayList<>();
  private int depth;

  public Amf0Reader(ByteBuf in) {
    this.in = in;
  }

  /** Whether any bytes are left. */
  public boolean hasMore() {
    return in.isReadable();
  }

  /** Reads every remaining value. */
  public List<Object> readAll() throws AmfException {
    List<Object> out = new ArrayList<>();
    while (in.isReadable()) {
      out.add(read());
    }
    return out;
  }

  /** Reads one value. */
  public Object read() throws AmfException {
    int marker = u8();
    switch (marker) {
      case 0x00:
        need(8);
        return in.readDouble();
      case 0x01:
        return u8() != 0;
      case 0x02:
        return utf8(u16());
      case 0x03:
        return readObjectBody(new LinkedHashMap<>());
      case 0x05:
        return null;
      case 0x06:
        return Amf.Undefined.INSTANCE;
      case 0x07: {
        int index = u16();
        if (index >= references.size()) {
          throw new AmfException("AMF0 reference " + index + " to an object not yet read");
        }
        return references.get(index);
      }
      case 0x08: {
        need(4);
        in.skipBytes(4); // count: a hint only, the properties end with the object-end marker
        return readObjectBody(new Amf.EcmaArray());
      }
      case 0x0A:
        return readStrictArray();
      case 0x0B: {
        need(10);
        double millis = in.readDouble();
        return new Amf.Date(millis, in.readShort());
      }
      case 0x0C:
        return utf8(u32len());
      case 0x0D:
        return Amf.Unsupported.INSTANCE;
      case 0x0F:
        return new Amf.Xml(utf8(u32len()));
      case 0x10: {
        String className = utf8(u16());
        Map<String, Object> props = new LinkedHashMap<>();
        Amf.TypedObject t = new Amf.TypedObject(className, props);
        references.add(t);
        readProperties(props);
        return t;
      }
      case 0x11:
        return new Amf3Reader(in).read();
      case 0x04:
      case 0x0E:
        throw new AmfException("AMF0 marker 0x" + Integer.toHexString(marker) + " is reserved and not supported");
      case 0x09:
        throw new AmfException("AMF0 object-end marker outside an object");
      default:
        throw new AmfException("unknown AMF0 type marker 0x" + Integer.toHexString(marker));
    }
  }

  private Map<String, Object> readObjectBody(Map<String, Object> target) throws AmfException {
    references.add(target);
    readProperties(target);
    return target;
  }

  private void readProperties(Map<String, Object> target) throws AmfException {
    enter();
    while (true) {
      String key = utf8(u16());
      if (key.isEmpty()) {
        if (u8() != 0x09) {
          throw new AmfException("AMF0 empty property name not followed by object-end");
        }
        break;
      }
      target.put(key, read());
    }
    depth--;
  }

  private List<Object> readStrictArray() throws AmfException {
    long count = u32len();
    List<Object> list = new ArrayList<>((int) Math.min(count, 1024));
    references.add(list);
    enter();
    for (long i = 0; i < count; i++) {
      list.add(read());
    }
    depth--;
    return list;
  }

  private void enter() throws AmfException {
    if (++depth > MAX_DEPTH) {
      throw new AmfException("AMF0 nesting deeper than " + MAX_DEPTH);
    }
  }

  private int u8() throws AmfException {
    need(1);
    return in.readUnsignedByte();
  }

  private int u16() throws AmfException {
    need(2);
    return in.readUnsignedShort();
  }

  /** A 32-bit length that must fit in what is left (each element takes at least one byte). */
  private int u32len() throws AmfException {
    need(4);
    long n = in.readUnsignedInt();
    if (n > in.readableBytes()) {
      throw new AmfException("AMF0 length " + n + " exceeds the " + in.readableBytes() + " bytes left");
    }
    return (int) n;
  }

  private String utf8(int length) throws AmfException {
    return AmfBytes.utf8(in, length, "AMF0");
  }

  private void need(int n) throws AmfException {
    AmfBytes.need(in, n, "AMF0");
  }

}
