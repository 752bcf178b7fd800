package dev.parley.live.amf;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes AMF3 values, with the string, object and traits reference tables of one message. Like
 * {@link Amf0Reader} it checks lengths against what is left before allocating and bounds nesting.
 */
final class Amf3Reader {
  private final ByteBuf in;
  private final List<String> strings = new ArrayList<>();
  private final List<Object> objects = new ArrayList<>();
  private final List<Traits> traits = new ArrayList<>();
  private int depth;

  private record Traits(String className, boolean dynamic, boolean externalizable, List<String> members) {}

  public Amf3Reader(ByteBuf in) {
    this.in = in;
  }

  /** Reads one value. */
  public Object read() throws AmfException {
    int marker = u8();
    switch (marker) {
      case 0x00:
        return Amf.Undefined.INSTANCE;
      case 0x01:
        return null;
      case 0x02:
        return Boolean.FALSE;
      case 0x03:
        return Boolean.TRUE;
      case 0x04: {
        int v = u29();
        return (v & 0x10000000) != 0 ? v | 0xE0000000 : v; // sign-extend the 29-bit integer
      }
      case 0x05:
        need(8);
        return in.readDouble();
      case 0x06:
        return string();
      case 0x07:
      case 0x0B:
        return xml();
      case 0x08:
        return date();
      case 0x09:
        return array();
      case 0x0A:
        return object();
      case 0x0C:
        return byteArray();
      case 0x0D:
      case 0x0E:
      case 0x0F:
      case 0x10:
        return vector(marker);
      case 0x11:
        return dictionary();
      default:
        throw new AmfException("unknown AMF3 type marker 0x" + Integer.toHexString(marker));
    }
  }

  /** An AMF3 string (UTF-8-vr), also used for class and member names. */
  public String string() throws AmfException {
    int ref = u29();
    if ((ref & 1) == 0) {
      return stringRef(ref >>> 1);
    }
    int len = ref >>> 1;
    if (len == 0) {
      return "";
    }
    String s = utf8(len);
    strings.add(s);
    return s;
  }

  private String stringRef(int index) throws AmfException {
    if (index >= strings.size()) {
      throw new AmfException("AMF3 string reference " + index + " out of range");
    }
    return strings.get(index);
  }

  private Object objectRef(int index) throws AmfException {
    if (index >= objects.size()) {
      throw new AmfException("AMF3 object reference " + index + " out of range");
    }
    return objects.get(index);
  }

  private Object xml() throws AmfException {
    int ref = u29();
    if ((ref & 1) == 0) {
      return objectRef(ref >>> 1);
    }
    Amf.Xml x = new Amf.Xml(utf8(ref >>> 1));
    objects.add(x);
    return x;
  }

  private Object date() throws AmfException {
    int ref = u29();
    if ((ref & 1) == 0) {
      return objectRef(ref >>> 1);
    }
    need(8);
    Amf.Date d = new Amf.Date(in.readDouble(), (short) 0);
    objects.add(d);
    return d;
  }

  private Object array() throws AmfException {
    int ref = u29();
    if ((ref & 1) == 0) {
      return objectRef(ref >>> 1);
    }
    int dense = ref >>> 1;
    checkCount(dense, 1);
    enter();
    Map<String, Object> assoc = new LinkedHashMap<>();
    List<Object> items = new ArrayList<>(Math.min(dense, 1024));
    int slot = objects.size();
    objects.add(items);
    for (String key = string(); !key.isEmpty(); key = string()) {
      assoc.put(key, read());
    }
    for (int i = 0; i < dense; i++) {
      items.add(read());
    }
    depth--;
    if (assoc.isEmpty()) {
      return items;
    }
    Amf.MixedArray mixed = new Amf.MixedArray(assoc, items);
    objects.set(slot, mixed);
    return mixed;
  }

  private Object object() throws AmfException {
    int ref = u29();
    if ((ref & 1) == 0) {
      return objectRef(ref >>> 1);
    }
    Traits t;
    if ((ref & 2) == 0) {
      int index = ref >>> 2;
      if (index >= traits.size()) {
        throw new AmfException("AMF3 traits reference " + index + " out of range");
      }
      t = traits.get(index);
    } else if ((ref & 4) != 0) {
      t = new Traits(string(), false, true, List.of());
      traits.add(t);
    } else {
      int sealed = ref >>> 4;
      checkCount(sealed, 1);
      String className = string();
      List<String> members = new ArrayList<>(Math.min(sealed, 1024));
      for (int i = 0; i < sealed; i++) {
        members.add(string());
      }
      t = new Traits(className, (ref & 8) != 0, false, members);
      traits.add(t);
    }
    enter();
    Map<String, Object> props = new LinkedHashMap<>();
    Object result = t.className().isEmpty() ? props : new Amf.TypedObject(t.className(), props);
    objects.add(result);
    if (t.externalizable()) {
      // Flex's collection wrappers externalize as their one source value; nothing else can be read generically.
      if (!t.className().startsWith("flex.messaging.io.")) {
        throw new AmfException("AMF3 externalizable class " + t.className() + " cannot be decoded");
      }
      props.put("source", read());
    } else {
      for (String member : t.members()) {
        props.put(member, read());
      }
      if (t.dynamic()) {
        for (String key = string(); !key.isEmpty(); key = string()) {
          props.put(key, read());
        }
      }
    }
    depth--;
    return result;
  }

  private Object byteArray() throws AmfException {
    int ref = u29();
    if ((ref & 1) == 0) {
      return objectRef(ref >>> 1);
    }
    int len = ref >>> 1;
    need(len);
    byte[] b = new byte[len];
    in.readBytes(b);
    Amf.ByteArray out = new Amf.ByteArray(b);
    objects.add(out);
    return out;
  }

  private Object vector(int marker) throws AmfException {
    int ref = u29();
    if ((ref & 1) == 0) {
      return objectRef(ref >>> 1);
    }
    int count = ref >>> 1;
    boolean fixed = u8() != 0;
    String className = marker == 0x10 ? string() : null;
    checkCount(count, marker == 0x0F ? 8 : marker == 0x10 ? 1 : 4);
    List<Object> items = new ArrayList<>(Math.min(count, 1024));
    Amf.Vector v = new Amf.Vector(marker, fixed, className, items);
    objects.add(v);
    enter();
    for (int i = 0; i < count; i++) {
      switch (marker) {
        case 0x0D:
          items.add(in.readInt());
          break;
        case 0x0E:
          items.add(in.readUnsignedInt());
          break;
        case 0x0F:
          items.add(in.readDouble());
          break;
        default:
          items.add(read());
          break;
      }
    }
    depth--;
    return v;
  }

  private Object dictionary() throws AmfException {
    int ref = u29();
    if ((ref & 1) == 0) {
      return objectRef(ref >>> 1);
    }
    int count = ref >>> 1;
    checkCount(count, 2);
    u8(); // weak keys: meaningless here
    Map<String, Object> m = new LinkedHashMap<>();
    objects.add(m);
    enter();
    for (int i = 0; i < count; i++) {
      Object key = read();
      m.put(dictionaryKey(key), read());
    }
    depth--;
    return m;
  }

  /**
   * A dictionary key as a string. Object keys are named by type and identity, never printed:
   * through references a key can contain itself, and printing it would never end.
   */
  private static String dictionaryKey(Object key) {
    if (key == null || key instanceof String || key instanceof Number || key instanceof Boolean) {
      return String.valueOf(key);
    }
    return key.getClass().getSimpleName() + "@" + Integer.toHexString(System.identityHashCode(key));
  }

  private void enter() throws AmfException {
    if (++depth > Amf0Reader.MAX_DEPTH) {
      throw new AmfException("AMF3 nesting deeper than " + Amf0Reader.MAX_DEPTH);
    }
  }

  private void checkCount(int count, int minBytesEach) throws AmfException {
    if ((long) count * minBytesEach > in.readableBytes()) {
      throw new AmfException("AMF3 count " + count + " exceeds the " + in.readableBytes() + " bytes left");
    }
  }

  /** A variable-length unsigned 29-bit integer. */
  private int u29() throws AmfException {
    int result = 0;
    for (int i = 0; i < 3; i++) {
      int b = u8();
      if ((b & 0x80) == 0) {
        return (result << 7) | b;
      }
      result = (result << 7) | (b & 0x7F);
    }
    return (result << 8) | u8();
  }

  private int u8() throws AmfException {
    need(1);
    return in.readUnsignedByte();
  }

  private String utf8(int length) throws AmfException {
    return AmfBytes.utf8(in, length, "AMF3");
  }

  private void need(int n) throws AmfException {
    AmfBytes.need(in, n, "AMF3");
  }

}
