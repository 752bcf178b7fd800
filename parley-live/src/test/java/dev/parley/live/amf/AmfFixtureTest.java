package dev.parley.live.amf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * AMF0 and AMF3 against fixed bytes, commented field by field after Adobe's AMF 0 and AMF 3
 * specifications: each reader is checked against the bytes a writer of the spec produces, each
 * writer against the bytes the spec prescribes, never one against the other.
 */
class AmfFixtureTest {
  private static ByteBuf hex(String h) {
    return Unpooled.wrappedBuffer(HexFormat.of().parseHex(h.replace(" ", "")));
  }

  private static Object read3(String h) throws AmfException {
    ByteBuf b = hex(h);
    Object v = new Amf3Reader(b).read();
    assertThat(b.isReadable()).as("bytes left after %s", h).isFalse();
    return v;
  }

  private static List<Object> read3All(String h) throws AmfException {
    ByteBuf b = hex(h);
    Amf3Reader r = new Amf3Reader(b);
    List<Object> out = new java.util.ArrayList<>();
    while (b.isReadable()) {
      out.add(r.read());
    }
    return out;
  }

  private static Object read0(String h) throws AmfException {
    ByteBuf b = hex(h);
    Object v = new Amf0Reader(b).read();
    assertThat(b.isReadable()).isFalse();
    return v;
  }

  private static String write3(Object v) {
    ByteBuf b = Unpooled.buffer();
    Amf3Writer.write(b, v);
    return ByteBufUtil.hexDump(b);
  }

  private static String write0(Object v) {
    ByteBuf b = Unpooled.buffer();
    Amf0Writer.write(b, v);
    return ByteBufUtil.hexDump(b);
  }

  // ---------------------------------------------------------------------------------------------
  // AMF3 reader

  @Test
  void amf3SimpleMarkers() throws AmfException {
    assertThat(read3("00")).isSameAs(Amf.Undefined.INSTANCE); // undefined-marker
    assertThat(read3("01")).isNull(); // null-marker
    assertThat(read3("02")).isEqualTo(false); // false-marker
    assertThat(read3("03")).isEqualTo(true); // true-marker
    assertThat(read3("05 3ff8000000000000")).isEqualTo(1.5); // double-marker, IEEE 754 big endian
  }

  @Test
  void amf3IntegersUseOneToFourByteU29AndAreSigned() throws AmfException {
    assertThat(read3("04 00")).isEqualTo(0);
    assertThat(read3("04 7f")).isEqualTo(127); // one byte: 7 bits
    assertThat(read3("04 8100")).isEqualTo(128); // high bit: another byte follows
    assertThat(read3("04 ff7f")).isEqualTo(16383);
    assertThat(read3("04 818000")).isEqualTo(16384);
    assertThat(read3("04 ffff7f")).isEqualTo(2_097_151);
    assertThat(read3("04 80c08000")).isEqualTo(2_097_152); // four bytes: the last carries 8 bits
    assertThat(read3("04 bfffffff")).isEqualTo(0x0FFFFFFF); // largest positive
    assertThat(read3("04 ffffffff")).isEqualTo(-1); // bit 28 set: negative (sign-extended)
    assertThat(read3("04 c0808000")).isEqualTo(-0x10000000); // smallest
  }

  @Test
  void amf3StringsAndTheirReferences() throws AmfException {
    assertThat(read3("06 07 616263")).isEqualTo("abc"); // U29S-value (3 << 1) | 1, then UTF-8
    assertThat(read3("06 01")).isEqualTo(""); // the empty string is never a reference target
    assertThat(read3All("06 07 616263 06 01 06 00")).containsExactly("abc", "", "abc"); // reference 0
    assertThatThrownBy(() -> read3All("06 07 616263 06 02")).isInstanceOf(AmfException.class)
        .hasMessageContaining("string reference 1 out of range"); // index 1 with one string in the table
  }

  @Test
  void amf3XmlDateAndByteArrayAndTheirReferences() throws AmfException {
    assertThat(read3("0b 09 3c612f3e")).isEqualTo(new Amf.Xml("<a/>")); // xml-marker, (4 << 1) | 1
    assertThat(read3("07 09 3c622f3e")).isEqualTo(new Amf.Xml("<b/>")); // xml-doc-marker
    assertThat(read3("08 01 427176592e000000")).isEqualTo(new Amf.Date(1.2e12, (short) 0)); // date-marker, U29D 1
    assertThat(read3("0c 07 010203")).isEqualTo(new Amf.ByteArray(new byte[] {1, 2, 3})); // bytearray-marker
    List<Object> refs = read3All("0b 09 3c612f3e 08 01 427176592e000000 0c 03 09 0b 00 08 02 0c 04");
    assertThat(refs.get(3)).isSameAs(refs.get(0)); // object table: xml 0, date 1, byte array 2
    assertThat(refs.get(4)).isSameAs(refs.get(1));
    assertThat(refs.get(5)).isSameAs(refs.get(2));
    assertThatThrownBy(() -> read3All("0c 03 09 0c 02")).hasMessageContaining("object reference 1 out of range");
  }

  @Test
  void amf3ArraysDenseAssociativeAndReferenced() throws AmfException {
    assertThat(read3("09 05 01 0401 0402")).isEqualTo(List.of(1, 2)); // (2 << 1) | 1 dense, no keys (01)
    assertThat(read3("09 03 0361 0407 01 0409")) // one dense; key "a" = 7; end of keys; dense 9
        .isEqualTo(new Amf.MixedArray(Map.of("a", 7), List.of(9)));
    List<Object> v = read3All("09 03 01 01 09 00");
    assertThat(v.get(1)).isSameAs(v.get(0));
  }

  @Test
  void amf3ObjectsSealedDynamicTypedAndByTraitsReference() throws AmfException {
    // 0x0b: inline object, inline traits, dynamic, no sealed members; class ""; x = 5; end
    assertThat(read3("0a 0b 01 0378 0405 01")).isEqualTo(Map.of("x", 5));
    // 0x13: one sealed member, not dynamic; class "Foo"; member "a"; a = 1
    assertThat(read3("0a 13 07466f6f 0361 0401")).isEqualTo(new Amf.TypedObject("Foo", Map.of("a", 1)));
    // the second object uses traits 0 (0x01: inline object, traits reference 0); the third is object 0
    List<Object> v = read3All("0a 13 07466f6f 0361 0401 0a 01 0402 0a 00");
    assertThat(v.get(1)).isEqualTo(new Amf.TypedObject("Foo", Map.of("a", 2)));
    assertThat(v.get(2)).isSameAs(v.get(0));
    assertThatThrownBy(() -> read3All("0a 13 07466f6f 0361 0401 0a 05"))
        .hasMessageContaining("traits reference 1 out of range");
    // externalizable (0x07) Flex collections carry their one source value
    String flex = HexFormat.of().formatHex("flex.messaging.io.ArrayCollection".getBytes());
    assertThat(read3("0a 07 " + String.format("%02x", (33 << 1) | 1) + flex + " 0401"))
        .isEqualTo(new Amf.TypedObject("flex.messaging.io.ArrayCollection", Map.of("source", 1)));
  }

  @Test
  void amf3VectorsOfEachKind() throws AmfException {
    assertThat(read3("0d 05 00 ffffffff 00000002")) // vector-int: count 2, not fixed, signed 32-bit
        .isEqualTo(new Amf.Vector(0x0D, false, null, List.of(-1, 2)));
    assertThat(read3("0e 03 01 ffffffff")) // vector-uint: fixed, unsigned
        .isEqualTo(new Amf.Vector(0x0E, true, null, List.of(4_294_967_295L)));
    assertThat(read3("0f 03 00 4004000000000000")).isEqualTo(new Amf.Vector(0x0F, false, null, List.of(2.5)));
    assertThat(read3("10 05 00 07466f6f 0401 060362")) // vector-object of class "Foo": 1, "b"
        .isEqualTo(new Amf.Vector(0x10, false, "Foo", List.of(1, "b")));
    List<Object> v = read3All("0d 01 00 0d 00");
    assertThat(v.get(1)).isSameAs(v.get(0));
    assertThatThrownBy(() -> read3("0f 05 00 4004000000000000 0000")).isInstanceOf(AmfException.class)
        .hasMessageContaining("count 2 exceeds"); // two doubles need 16 bytes, 10 are left
  }

  @Test
  void amf3DictionariesWithStringNumberAndObjectKeys() throws AmfException {
    // dictionary-marker, 2 entries, weak keys 0; "a" -> 1; 2 -> 3
    assertThat(read3("11 05 00 060361 0401 0402 0403")).isEqualTo(Map.of("a", 1, "2", 3));
    @SuppressWarnings("unchecked")
    Map<String, Object> m = (Map<String, Object>) read3("11 03 00 0a0b0101 0407"); // an object as key
    assertThat(m.keySet()).singleElement().asString().startsWith("LinkedHashMap@");
    assertThat(m.values()).containsExactly(7);
    List<Object> v = read3All("11 01 00 11 00");
    assertThat(v.get(1)).isSameAs(v.get(0));
    assertThatThrownBy(() -> read3("11 07 00 0401")).hasMessageContaining("count 3 exceeds");
  }

  @Test
  void amf3ReferencesReachPastTheFirstEntryOfTheObjectTable() throws AmfException {
    // Two values of each kind, then a reference to the second: U29O-ref (1 << 1) = 0x02.
    String[][] kinds = {
        {"0b093c612f3e", "0b093c622f3e", "0b02"}, // xml
        {"090101", "09030104 01", "0902"}, // arrays [] and [1]
        {"0a0b0101", "0a0b01036104 0101", "0a02"}, // objects {} and {a: 1}
        {"0d0100", "0d0300 00000001", "0d02"}, // int vectors [] and [1]
        {"110100", "110300 0401 0402", "1102"}}; // dictionaries {} and {1: 2}
    for (String[] k : kinds) {
      List<Object> v = read3All(k[0] + k[1] + k[2]);
      assertThat(v.get(2)).as(k[2]).isSameAs(v.get(1));
    }
  }

  @Test
  void amf3CountsThatCannotFitAreRefusedBeforeAllocating() {
    assertThatThrownBy(() -> read3("09 ffffff7f")).hasMessageContaining("exceeds"); // dense count
    assertThatThrownBy(() -> read3("0a ffffff73")).hasMessageContaining("exceeds"); // sealed members
    assertThatThrownBy(() -> read3("0d ffffff7f 00")).hasMessageContaining("exceeds"); // vector
  }

  @Test
  void amf3TruncatedValuesAreAmfErrors() {
    for (String t : new String[] {"", "05 3ff0", "06 07 6162", "0c 07 0102", "08 01 4271", "04 ff", "0b 09 3c",
        "0d 03"}) {
      assertThatThrownBy(() -> read3(t)).as(t).isInstanceOf(AmfException.class).hasMessageContaining("truncated");
    }
  }

  @Test
  void amf3NestingIsBoundedAtMaxDepthAndSiblingsDoNotCount() throws AmfException {
    assertThat(read3("0903 01".repeat(Amf0Reader.MAX_DEPTH) + "01")).isInstanceOf(List.class);
    assertThatThrownBy(() -> read3("0903 01".repeat(Amf0Reader.MAX_DEPTH + 1) + "01")).hasMessageContaining("nesting");
    assertThatThrownBy(() -> read3("0a0b01 0378".repeat(Amf0Reader.MAX_DEPTH + 1) + "01"))
        .hasMessageContaining("nesting");
    assertThatThrownBy(() -> read3("1003 0001".repeat(Amf0Reader.MAX_DEPTH + 1) + "01"))
        .hasMessageContaining("nesting");
    assertThatThrownBy(() -> read3("1103 00 0401".repeat(Amf0Reader.MAX_DEPTH + 1) + "01"))
        .hasMessageContaining("nesting");
    int n = Amf0Reader.MAX_DEPTH + 6; // 70 siblings: 0x8d 0x01 is (70 << 1) | 1 as U29
    assertThat((List<?>) read3("09 810d 01" + "09 01 01".repeat(n))).hasSize(n);
    assertThat((List<?>) read3("09 810d 01" + "0a 0b 01 01".repeat(n))).hasSize(n);
    assertThat((List<?>) read3("09 810d 01" + "10 01 00 01".repeat(n))).hasSize(n);
    assertThat((List<?>) read3("09 810d 01" + "11 01 00".repeat(n))).hasSize(n);
  }

  // ---------------------------------------------------------------------------------------------
  // AMF3 writer

  @Test
  void amf3WriterIntegerBoundaries() {
    assertThat(write3(127)).isEqualTo("047f");
    assertThat(write3(128)).isEqualTo("048100");
    assertThat(write3(16383)).isEqualTo("04ff7f");
    assertThat(write3(16384)).isEqualTo("04818000");
    assertThat(write3(2_097_151)).isEqualTo("04ffff7f");
    assertThat(write3(2_097_152)).isEqualTo("0480c08000");
    assertThat(write3(0x0FFFFFFF)).isEqualTo("04bfffffff");
    assertThat(write3(-1)).isEqualTo("04ffffffff");
    assertThat(write3(-0x10000000)).isEqualTo("04c0808000");
    assertThat(write3(0x10000000)).isEqualTo("05" + "41b0000000000000"); // beyond 29 bits: a double
    assertThat(write3(-0x10000001)).isEqualTo("05" + "c1b0000001000000");
    assertThat(write3(2.5)).isEqualTo("054004000000000000");
  }

  @Test
  void amf3WriterOtherValues() {
    assertThat(write3(null)).isEqualTo("01");
    assertThat(write3(Amf.Undefined.INSTANCE)).isEqualTo("00");
    assertThat(write3(false)).isEqualTo("02");
    assertThat(write3(true)).isEqualTo("03");
    assertThat(write3("abc")).isEqualTo("0607616263");
    assertThat(write3(new Amf.Xml("<a/>"))).isEqualTo("0b093c612f3e");
    assertThat(write3(new Amf.Date(1.2e12, (short) 0))).isEqualTo("0801427176592e000000");
    assertThat(write3(List.of(1, 2))).isEqualTo("0905010401" + "0402");
    assertThat(write3(new Amf.MixedArray(Map.of("a", 7), List.of(9)))).isEqualTo("0903036104070104" + "09");
    assertThat(write3(Map.of("x", 5))).isEqualTo("0a0b0103780405" + "01");
    assertThat(write3(new Amf.TypedObject("Foo", Map.of("a", 1)))).isEqualTo("0a0b07466f6f036104" + "0101");
    assertThat(write3(new Amf.ByteArray(new byte[] {1, 2, 3}))).isEqualTo("0c07010203");
    assertThat(write3(new Amf.Vector(0x0D, false, null, List.of(-1, 2)))).isEqualTo("0d0500ffffffff00000002");
    assertThat(write3(new Amf.Vector(0x0E, true, null, List.of(4_294_967_295L)))).isEqualTo("0e0301ffffffff");
    assertThat(write3(new Amf.Vector(0x0F, false, null, List.of(2.5)))).isEqualTo("0f03004004000000000000");
    assertThat(write3(new Amf.Vector(0x10, false, "Foo", List.of(1, "b")))).isEqualTo("100500" + "07466f6f"
        + "0401" + "060362");
    assertThat(write3(new Amf.Vector(0x10, true, null, List.of()))).isEqualTo("10010101"); // no class: ""
    assertThatThrownBy(() -> write3(new Object())).isInstanceOf(IllegalArgumentException.class);
  }

  // ---------------------------------------------------------------------------------------------
  // AMF0

  @Test
  void amf0ReferenceIndexMustPointToAnObjectAlreadyRead() throws AmfException {
    ByteBuf b = hex("03 0000 09 07 0000"); // {} then reference 0
    List<Object> v = new Amf0Reader(b).readAll();
    assertThat(v.get(1)).isSameAs(v.get(0));
    assertThatThrownBy(() -> new Amf0Reader(hex("03 0000 09 07 0001")).readAll())
        .hasMessageContaining("reference 1 to an object not yet read");
  }

  @Test
  void amf0FixturesOfEveryType() throws AmfException {
    assertThat(read0("01 01")).isEqualTo(true);
    assertThat(read0("01 00")).isEqualTo(false);
    assertThat(read0("08 00000001 0001 61 0040 08000000000000 0000 09")) // ecma array, count 1: a = 3.0
        .isEqualTo(new Amf.EcmaArray(Map.of("a", 3.0))).isInstanceOf(Amf.EcmaArray.class);
    assertThat(read0("0b 427176592e000000 0000")).isEqualTo(new Amf.Date(1.2e12, (short) 0));
    assertThat(read0("0c 00000003 616263")).isEqualTo("abc"); // long string
    assertThat(read0("0f 00000004 3c612f3e")).isEqualTo(new Amf.Xml("<a/>"));
    assertThat(read0("10 0003 466f6f 0001 61 0101 0000 09")) // typed object Foo {a: true}
        .isEqualTo(new Amf.TypedObject("Foo", Map.of("a", true)));
    assertThat(read0("0d")).isSameAs(Amf.Unsupported.INSTANCE);
    assertThatThrownBy(() -> read0("04")).hasMessageContaining("reserved");
    assertThatThrownBy(() -> read0("03 0000 05")).hasMessageContaining("not followed by object-end");
  }

  @Test
  void amf0TruncatedValuesAreAmfErrors() {
    for (String t : new String[] {"", "01", "02 00", "02 0003 61", "0c 0000", "08 0000", "0b 427176592e00", "0a 00",
        "0f 00", "10 00"}) {
      assertThatThrownBy(() -> read0(t)).as(t).isInstanceOf(AmfException.class).hasMessageContaining("truncated");
    }
  }

  @Test
  void amf0NestingIsBoundedAtMaxDepthAndSiblingsDoNotCount() throws AmfException {
    String obj = "03 0001 61"; // {a: <next>}
    assertThat(read0(obj.repeat(Amf0Reader.MAX_DEPTH - 1) + "03 0000 09" + "0000 09".repeat(Amf0Reader.MAX_DEPTH - 1)))
        .isInstanceOf(Map.class);
    assertThatThrownBy(() -> read0(obj.repeat(Amf0Reader.MAX_DEPTH) + "03 0000 09")).hasMessageContaining("nesting");
    assertThatThrownBy(() -> read0("10 0000 0001 61".repeat(Amf0Reader.MAX_DEPTH + 1) + "05"))
        .hasMessageContaining("nesting");
    int n = Amf0Reader.MAX_DEPTH + 6;
    assertThat((List<?>) read0("0a 00000046" + "03 0000 09".repeat(n))).hasSize(n); // 70 objects
    assertThat((List<?>) read0("0a 00000046" + "0a 00000000".repeat(n))).hasSize(n); // 70 empty arrays
  }

  @Test
  void hasMoreTellsWhetherBytesAreLeft() throws AmfException {
    Amf0Reader r = new Amf0Reader(hex("05"));
    assertThat(r.hasMore()).isTrue();
    r.read();
    assertThat(r.hasMore()).isFalse();
  }

  @Test
  void amf0WriterStringsSwitchToLongStringsPast65535Bytes() {
    assertThat(write0("x".repeat(0xFFFF))).startsWith("02ffff");
    assertThat(write0("x".repeat(0x10000))).startsWith("0c00010000");
  }

  @Test
  void amf0WriterPutsAmf3OnlyValuesBehindTheAvmPlusSwitch() {
    assertThat(write0(new Amf.ByteArray(new byte[] {1, 2}))).isEqualTo("11" + "0c050102");
    assertThat(write0(new Amf.Vector(0x0D, false, null, List.of(1)))).isEqualTo("11" + "0d030000000001");
    assertThat(write0(new Amf.MixedArray(Map.of("a", 1), List.of()))).isEqualTo("11" + "0901036104" + "0101");
    assertThatThrownBy(() -> write0(new Object())).isInstanceOf(IllegalArgumentException.class);
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers

  @Test
  void helpersReadFieldsOfObjects() {
    Map<String, Object> m = Amf.object("app", "live", "n", 2.0, "flag", true);
    assertThat(Amf.string(m, "app")).isEqualTo("live");
    assertThat(Amf.string(m, "n")).isNull();
    assertThat(Amf.string(m, "missing")).isNull();
    assertThat(Amf.string(new Amf.TypedObject("C", Map.of("app", "tv")), "app")).isEqualTo("tv");
    assertThat(Amf.string("not an object", "app")).isNull();
    assertThat(Amf.number(m, "n", -1)).isEqualTo(2.0);
    assertThat(Amf.number(m, "app", -1)).isEqualTo(-1);
    assertThat(Amf.number(m, "missing", -1)).isEqualTo(-1);
    assertThat(Amf.number(null, "n", -1)).isEqualTo(-1);
  }

  @Test
  void objectBuildsAnOrderedMapAndIgnoresATrailingKey() {
    assertThat(Amf.object("b", 1, "a", 2).keySet()).containsExactly("b", "a");
    assertThat(Amf.object("b", 1, "a")).isEqualTo(Map.of("b", 1));
    assertThat(Amf.object()).isEmpty();
  }

  @Test
  void byteArraysCompareByContent() {
    Amf.ByteArray a = new Amf.ByteArray(new byte[] {1, 2, 3});
    assertThat(a).isEqualTo(new Amf.ByteArray(new byte[] {1, 2, 3})).isNotEqualTo(new Amf.ByteArray(new byte[] {1}));
    assertThat(a).isNotEqualTo("ByteArray[3]");
    assertThat(a.hashCode()).isEqualTo(new Amf.ByteArray(new byte[] {1, 2, 3}).hashCode())
        .isNotEqualTo(new Amf.ByteArray(new byte[] {3, 2, 1}).hashCode());
    assertThat(a.toString()).isEqualTo("ByteArray[3]");
  }
}
