package dev.parley.live.amf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AmfTest {
  private static List<Object> roundTrip0(Object... values) throws AmfException {
    ByteBuf b = Unpooled.buffer();
    Amf0Writer.writeAll(b, values);
    return new Amf0Reader(b).readAll();
  }

  private static Object roundTrip3(Object value) throws AmfException {
    ByteBuf b = Unpooled.buffer();
    Amf3Writer.write(b, value);
    Object v = new Amf3Reader(b).read();
    assertThat(b.isReadable()).isFalse();
    return v;
  }

  private static ByteBuf bytes(int... b) {
    ByteBuf out = Unpooled.buffer(b.length);
    for (int x : b) {
      out.writeByte(x);
    }
    return out;
  }

  @Test
  void amf0ValuesRoundTrip() throws AmfException {
    Map<String, Object> obj = Amf.object("app", "live", "n", 1.5, "flag", true, "nil", null);
    Amf.EcmaArray ecma = new Amf.EcmaArray(Map.of("width", 640.0));
    List<Object> out = roundTrip0(3.25, false, "héllo", obj, null, Amf.Undefined.INSTANCE, ecma,
        List.of(1.0, "two"), new Amf.Date(1.7e12, (short) 0), "x".repeat(70_000), new Amf.Xml("<a/>"),
        new Amf.TypedObject("com.Foo", Map.of("k", "v")), Amf.Unsupported.INSTANCE);
    assertThat(out).containsExactly(3.25, false, "héllo", obj, null, Amf.Undefined.INSTANCE, ecma,
        List.of(1.0, "two"), new Amf.Date(1.7e12, (short) 0), "x".repeat(70_000), new Amf.Xml("<a/>"),
        new Amf.TypedObject("com.Foo", Map.of("k", "v")), Amf.Unsupported.INSTANCE);
    assertThat(out.get(6)).isInstanceOf(Amf.EcmaArray.class);
  }

  @Test
  void amf0ConnectCommandFixtureDecodes() throws AmfException {
    ByteBuf b = bytes(
        0x02, 0x00, 0x07, 'c', 'o', 'n', 'n', 'e', 'c', 't', // string "connect"
        0x00, 0x3F, 0xF0, 0, 0, 0, 0, 0, 0, // number 1.0 (transaction id)
        0x03, // object
        0x00, 0x03, 'a', 'p', 'p', 0x02, 0x00, 0x04, 'l', 'i', 'v', 'e', // "app": "live"
        0x00, 0x00, 0x09); // object end
    assertThat(new Amf0Reader(b).readAll()).containsExactly("connect", 1.0, Map.of("app", "live"));
  }

  @Test
  void amf0ReferencePointsToEarlierObject() throws AmfException {
    ByteBuf b = bytes(
        0x03, 0x00, 0x01, 'a', 0x00, 0x40, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x00, 0x09, // {a: 2.0}, reference index 0
        0x07, 0x00, 0x00); // reference to object 0
    List<Object> v = new Amf0Reader(b).readAll();
    assertThat(v.get(1)).isSameAs(v.get(0));
  }

  @Test
  void amf3ValuesRoundTrip() throws AmfException {
    assertThat(roundTrip3(-5)).isEqualTo(-5);
    assertThat(roundTrip3(0x0FFFFFFF)).isEqualTo(0x0FFFFFFF);
    assertThat(roundTrip3(1 << 29)).isEqualTo((double) (1 << 29)); // beyond 29 bits: a double
    assertThat(roundTrip3("abc")).isEqualTo("abc");
    assertThat(roundTrip3(true)).isEqualTo(true);
    assertThat(roundTrip3(null)).isNull();
    assertThat(roundTrip3(List.of(1, "x"))).isEqualTo(List.of(1, "x"));
    assertThat(roundTrip3(Map.of("k", 2))).isEqualTo(Map.of("k", 2));
    assertThat(roundTrip3(new Amf.TypedObject("C", Map.of("a", 1)))).isEqualTo(new Amf.TypedObject("C", Map.of("a", 1)));
    assertThat(roundTrip3(new Amf.ByteArray(new byte[] {1, 2}))).isEqualTo(new Amf.ByteArray(new byte[] {1, 2}));
    assertThat(roundTrip3(new Amf.Vector(0x0D, false, null, List.of(1, -2)))).isEqualTo(
        new Amf.Vector(0x0D, false, null, List.of(1, -2)));
    assertThat(roundTrip3(new Amf.MixedArray(Map.of("a", 1), List.of(2)))).isEqualTo(
        new Amf.MixedArray(Map.of("a", 1), List.of(2)));
  }

  @Test
  void amf3StringAndTraitReferencesResolve() throws AmfException {
    ByteBuf b = bytes(
        0x0A, 0x13, 0x01, 0x03, 'x', 0x04, 0x01, // object: inline traits, 1 sealed member "x", anonymous; x = 1
        0x0A, 0x01, 0x04, 0x02, // object with traits reference 0; x = 2
        0x06, 0x00); // string reference 0 ("x")
    Amf3Reader r = new Amf3Reader(b);
    assertThat(r.read()).isEqualTo(Map.of("x", 1));
    assertThat(r.read()).isEqualTo(Map.of("x", 2));
    assertThat(r.read()).isEqualTo("x");
  }

  @Test
  void avmPlusSwitchReadsAmf3InsideAmf0() throws AmfException {
    ByteBuf b = bytes(0x11, 0x04, 0x81, 0x00); // AVM+ switch, AMF3 integer 128
    assertThat(new Amf0Reader(b).read()).isEqualTo(128);
  }

  @Test
  void malformedInputIsRefusedWithAReason() {
    assertThatThrownBy(() -> new Amf0Reader(bytes(0x00, 0x01)).read()).isInstanceOf(AmfException.class)
        .hasMessageContaining("truncated");
    assertThatThrownBy(() -> new Amf0Reader(bytes(0x42)).read()).hasMessageContaining("unknown AMF0 type marker 0x42");
    assertThatThrownBy(() -> new Amf0Reader(bytes(0x07, 0x00, 0x05)).read()).hasMessageContaining("reference 5");
    assertThatThrownBy(() -> new Amf0Reader(bytes(0x0A, 0x7F, 0xFF, 0xFF, 0xFF)).read())
        .hasMessageContaining("exceeds");
    assertThatThrownBy(() -> new Amf0Reader(bytes(0x09)).read()).hasMessageContaining("object-end");
    assertThatThrownBy(() -> new Amf3Reader(bytes(0x09, 0xFF, 0xFF, 0xFF, 0x7F)).read()).hasMessageContaining("exceeds");
    assertThatThrownBy(() -> new Amf3Reader(bytes(0x06, 0x02)).read()).hasMessageContaining("string reference 1");
    assertThatThrownBy(() -> new Amf3Reader(bytes(0x0A, 0x07, 0x01)).read()).hasMessageContaining("externalizable");
  }

  @Test
  void nestingBeyondTheLimitIsRefused() {
    ByteBuf b = Unpooled.buffer();
    for (int i = 0; i < Amf0Reader.MAX_DEPTH + 1; i++) {
      b.writeByte(0x0A).writeInt(1); // strict array of one element: the next array
    }
    b.writeByte(0x05);
    assertThatThrownBy(() -> new Amf0Reader(b).read()).hasMessageContaining("nesting");
  }

  @Test
  void dictionaryKeyedByAnObjectThatContainsItDecodes() throws AmfException {
    // Found by fuzzing: printing such a key never ended.
    byte[] input = java.util.Base64.getDecoder().decode("EREJAwsFAwAAAxEJAwsFAwMHAAAAAAADAwAABwAHBQ==");
    try {
      new Amf0Reader(Unpooled.wrappedBuffer(input)).readAll();
    } catch (AmfException expected) {
      assertThat(expected.getMessage()).isNotBlank();
    }
  }

  @Test
  void listsOfManyElementsDecode() throws AmfException {
    List<Object> big = new ArrayList<>();
    for (int i = 0; i < 5000; i++) {
      big.add((double) i);
    }
    assertThat(roundTrip0(big)).containsExactly(big);
  }
}
