package dev.parley.rtc.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.rtc.stun.TransportAddress;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Every denied address form, including IPv6 wrappers around denied IPv4 addresses. */
class PeerAddressPolicyTest {
  /** Made per test, not once per class: a mutation test must see the policy built by the code under test. */
  final PeerAddressPolicy DEFAULTS = PeerAddressPolicy.defaults();

  /** The address bytes exactly as written (an IPv4-mapped literal stays 16 bytes). */
  static TransportAddress addr(String literal) throws Exception {
    byte[] ip = InetAddress.getByName(literal).getAddress();
    if (literal.contains(":") && ip.length == 4) {
      byte[] v6 = new byte[16];
      v6[10] = (byte) 0xFF;
      v6[11] = (byte) 0xFF;
      System.arraycopy(ip, 0, v6, 12, 4);
      ip = v6;
    }
    return new TransportAddress(ip, 3478);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "0.0.0.0", "0.1.2.3", "127.0.0.1", "127.255.255.254", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1",
      "169.254.169.254", "100.64.0.1", "224.0.0.1", "239.255.255.250", "255.255.255.255", "240.0.0.1", "192.0.2.1",
      "::", "::1", "fe80::1", "fc00::1", "fd12:3456::1", "ff02::1", "fec0::1", "2001:db8::1", "100::1",
      "::ffff:127.0.0.1", "::ffff:0.0.0.0", "::ffff:10.0.0.1", "::ffff:169.254.169.254", // IPv4-mapped
      "::127.0.0.1", "::10.0.0.1", "::0.0.0.0", // IPv4-compatible (deprecated)
      "::ffff:0:127.0.0.1", "::ffff:0:a00:1", // IPv4-translated (RFC 2765)
      "64:ff9b::127.0.0.1", "64:ff9b::a9fe:a9fe", "64:ff9b::0.0.0.0", // NAT64 well-known prefix
      "64:ff9b:1:7f00:0:100::", // local-use NAT64 /48 carrying 127.0.0.1
      "2002:7f00:1::1", "2002:a00:1::", "2002:c0a8:101::1", // 6to4 around loopback and private addresses
      "2001:0:7f00:1::1", // Teredo with a loopback server
      "2001:0:102:304::80ff:fffe", // Teredo whose (inverted) client is 127.0.0.1
      // Not globally reachable in IANA's special-purpose registries:
      "64:ff9b:1:808:8:800:7f00:1", "64:ff9b:1::", "64:ff9b:1:ffff:ffff:ffff:ffff:ffff", // local-use NAT64, whole
      "192.88.99.1", // deprecated 6to4 relay anycast (RFC 7526)
      "100:0:0:1::1", // dummy IPv6 prefix (RFC 9780)
      "2001:2::1", "2001:10::1", "2001:5::1", // benchmarking, deprecated ORCHID, unassigned in 2001::/23
      "3fff::1", "3fff:fff:ffff::1", // documentation (RFC 9637)
      "5f00::1", // SRv6 SIDs (RFC 9602)
  })
  void deniedByDefault(String literal) throws Exception {
    assertThat(DEFAULTS.deniedReason(addr(literal))).as(literal).isNotNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"8.8.8.8", "1.1.1.1", "203.0.114.5", "2606:4700::1111", "::ffff:8.8.8.8", "64:ff9b::8.8.8.8",
      "2002:808:808::1", "2001:4860:4860::8888",
      // globally reachable blocks inside 2001::/23: anycast, AMT, AS112, ORCHIDv2, DRIP
      "2001:1::1", "2001:1::2", "2001:1::3", "2001:3::1", "2001:4:112::1", "2001:20::1", "2001:30::1",
      "2001:0:808:808::f7f7:f7f7", // Teredo with server 8.8.8.8 and client 8.8.8.8
      "64:ff9b:2::1", "3fff:1000::1"})
  void publicAddressesAreAllowed(String literal) throws Exception {
    assertThat(DEFAULTS.deniedReason(addr(literal))).as(literal).isNull();
  }

  @Test
  void reasonNamesTheEmbeddedAddress() throws Exception {
    assertThat(DEFAULTS.deniedReason(addr("::ffff:127.0.0.1"))).contains("127.0.0.1").contains("127.0.0.0/8");
  }

  @Test
  void portZeroIsRefused() {
    assertThat(DEFAULTS.deniedReason(new TransportAddress(new byte[] {8, 8, 8, 8}, 0))).contains("port 0");
  }

  @Test
  void allowListWinsAndAppliesToEmbeddedForms() throws Exception {
    PeerAddressPolicy p = new PeerAddressPolicy(List.of(Cidr.parse("127.0.0.0/8"), Cidr.parse("10.1.0.0/16")), List.of());
    assertThat(p.deniedReason(addr("127.0.0.1"))).isNull();
    assertThat(p.deniedReason(addr("::ffff:127.0.0.1"))).isNull();
    assertThat(p.deniedReason(addr("10.1.2.3"))).isNull();
    assertThat(p.deniedReason(addr("10.2.0.1"))).isNotNull();
    assertThat(p.deniedReason(addr("0.0.0.0"))).isNotNull();
  }

  @Test
  void localUseNat64IsDeniedWhole_notJudgedByTheIpv4ItSeemsToCarry() throws Exception {
    // 64:ff9b:1:808:8:800:7f00:1 read with RFC 6052's /48 layout carries 8.8.8.8.
    assertThat(DEFAULTS.deniedReason(addr("64:ff9b:1:808:8:800:7f00:1"))).contains("64:ff9b:1::/48")
        .doesNotContain("carries");
    // The allow list can still open it, for an operator whose local NAT64 is meant to be reachable.
    PeerAddressPolicy p = new PeerAddressPolicy(List.of(Cidr.parse("64:ff9b:1::/48")), List.of());
    assertThat(p.deniedReason(addr("64:ff9b:1:808:8:800:7f00:1"))).isNull();
  }

  @Test
  void theMoreSpecificConfiguredRuleWins_inBothDirections() throws Exception {
    PeerAddressPolicy p = new PeerAddressPolicy(List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("8.8.8.0/24")),
        List.of(Cidr.parse("10.1.2.3"), Cidr.parse("8.8.0.0/16")));
    assertThat(p.deniedReason(addr("10.1.2.3"))).contains("10.1.2.3");
    assertThat(p.deniedReason(addr("::ffff:10.1.2.3"))).contains("10.1.2.3");
    assertThat(p.deniedReason(addr("10.1.2.4"))).isNull();
    assertThat(p.deniedReason(addr("8.8.8.8"))).isNull();
    assertThat(p.deniedReason(addr("8.8.4.4"))).contains("8.8.0.0/16");
  }

  @Test
  void aDenyWinsATieWithAnAllowOfTheSameRange() throws Exception {
    PeerAddressPolicy p = new PeerAddressPolicy(List.of(Cidr.parse("8.8.8.0/24")), List.of(Cidr.parse("8.8.8.0/24")));
    assertThat(p.deniedReason(addr("8.8.8.8"))).contains("8.8.8.0/24");
  }

  @Test
  void theServersOwnAddressesAreDeniedUnlessAllowed() throws Exception {
    List<InetAddress> own = List.of(InetAddress.getByName("1.2.3.4"), InetAddress.getByName("2606:4700::6"),
        InetAddress.getByName("0.0.0.0"));
    PeerAddressPolicy p = new PeerAddressPolicy(List.of(), List.of(), own);
    assertThat(p.deniedReason(addr("1.2.3.4"))).contains("own address");
    assertThat(p.deniedReason(addr("::ffff:1.2.3.4"))).contains("own address");
    assertThat(p.deniedReason(addr("2606:4700::6"))).contains("own address");
    assertThat(p.deniedReason(addr("1.2.3.5"))).isNull();
    assertThat(p.deniedReason(addr("5.6.7.8"))).as("the wildcard is no address of its own").isNull();
    // A configured range decides before the built-in rules, however wide it is.
    assertThat(new PeerAddressPolicy(List.of(Cidr.parse("1.0.0.0/8")), List.of(), own).deniedReason(addr("1.2.3.4")))
        .isNull();
  }

  @Test
  void anEmbeddedFormAndItsWrapperMustBothBeAllowed() throws Exception {
    PeerAddressPolicy p = new PeerAddressPolicy(List.of(), List.of(Cidr.parse("2002::/16")));
    assertThat(p.deniedReason(addr("2002:808:808::1"))).contains("2002::/16");
    assertThat(DEFAULTS.deniedReason(addr("2002:808:808::1"))).isNull();
  }

  @Test
  void extraDenyListAddsRanges() throws Exception {
    PeerAddressPolicy p = new PeerAddressPolicy(List.of(), List.of(Cidr.parse("8.8.8.0/24")));
    assertThat(p.deniedReason(addr("8.8.8.8"))).contains("8.8.8.0/24");
    assertThat(p.deniedReason(addr("::ffff:8.8.8.8"))).isNotNull();
    assertThat(p.deniedReason(addr("8.8.4.4"))).isNull();
  }

  @Test
  void aZeroPrefixContainsEveryAddressOfItsFamily() throws Exception {
    Cidr all = Cidr.parse("0.0.0.0/0");
    assertThat(all.contains(new byte[] {8, 8, 8, 8})).isTrue();
    assertThat(all.contains(new byte[16])).as("IPv4 ranges hold IPv4 addresses only").isFalse();
    assertThat(Cidr.parse("::/0").contains(addr("2606:4700::1").ip())).isTrue();
    assertThat(Cidr.parse("10.0.0.0/32").prefix()).isEqualTo(32);
  }

  @Test
  void badRangesAreRefused() {
    assertThatThrownBy(() -> Cidr.parse("10.0.0.0/33")).hasMessageContaining("prefix");
    assertThatThrownBy(() -> Cidr.parse("example.com")).hasMessageContaining("not an address range");
    assertThatThrownBy(() -> Cidr.parse("10.0.0.0/x")).hasMessageContaining("not a number");
  }
}
