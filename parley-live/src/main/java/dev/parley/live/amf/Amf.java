package dev.parley.live.amf;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The Java shapes of AMF values. Numbers decode as {@link Double} (AMF3 integers as
 * {@link Integer}), strings as {@link String}, anonymous objects as {@link Map}, strict arrays as
 * {@link List}, null as null; the types below stand for what Java has no plain shape for.
 */
public final class Amf {
  private Amf() {}

  /** AMF's undefined, distinct from null. */
  public enum Undefined {
    INSTANCE
  }

  /** AMF0's unsupported marker (0x0D). */
  public enum Unsupported {
    INSTANCE
  }

  /** An associative (ECMA) array: an object with a count hint, as onMetaData uses. */
  public static final class EcmaArray extends LinkedHashMap<String, Object> {
    private static final long serialVersionUID = 1L;

    public EcmaArray() {}

    public EcmaArray(Map<String, ?> values) {
      super(values);
    }
  }

  /** An object of a named class (AMF0 typed object, AMF3 sealed or dynamic object with a class name). */
  public record TypedObject(String className, Map<String, Object> properties) {}

  /** A date: milliseconds since the epoch; AMF0 also carries a (reserved) time zone. */
  public record Date(double millis, short timeZone) {}

  /** An XML document (AMF0 0x0F, AMF3 0x07 and 0x0B). */
  public record Xml(String text) {}

  /** An AMF3 array with both a dense and an associative part. */
  public record MixedArray(Map<String, Object> associative, List<Object> dense) {}

  /** An AMF3 byte array. */
  public record ByteArray(byte[] bytes) {
    @Override
    public boolean equals(Object o) {
      return o instanceof ByteArray b && Arrays.equals(bytes, b.bytes);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
      return "ByteArray[" + bytes.length + "]";
    }
  }

  /** An AMF3 vector (int, uint, double or object). */
  public record Vector(int type, boolean fixed, String className, List<Object> items) {}

  /** The string value of {@code key} in an object, or null. */
  public static String string(Object object, String key) {
    if (object instanceof Map<?, ?> m) {
      Object v = m.get(key);
      return v instanceof String s ? s : null;
    }
    if (object instanceof TypedObject t) {
      return string(t.properties(), key);
    }
    return null;
  }

  /** The numeric value of {@code key} in an object, or {@code fallback}. */
  public static double number(Object object, String key, double fallback) {
    if (object instanceof Map<?, ?> m) {
      Object v = m.get(key);
      return v instanceof Number n ? n.doubleValue() : fallback;
    }
    return fallback;
  }

  /** Builds an ordered map from alternating keys and values. */
  public static Map<String, Object> object(Object... keyValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i + 1 < keyValues.length; i += 2) {
      m.put(Objects.toString(keyValues[i]), keyValues[i + 1]);
    }
    return m;
  }
}
