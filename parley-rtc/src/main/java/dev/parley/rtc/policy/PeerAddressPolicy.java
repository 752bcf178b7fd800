package dev.parley.rtc.policy;

import dev.parley.rtc.stun.TransportAddress;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Decides whether a relay may send to a peer.
 *
 * <p>Built in, it refuses what IANA's special-purpose registries mark not globally reachable, and
 * what reaches into the server's own host or network: unspecified, loopback, private, shared
 * (CGNAT), link-local, unique-local, site-local, multicast, broadcast, reserved, documentation,
 * benchmarking and local-use NAT64 ranges, and the server's own relay and external addresses. IPv6
 * forms that carry an IPv4 address (IPv4-mapped, IPv4-compatible, IPv4-translated, the well-known
 * NAT64 prefix 64:ff9b::/96, 6to4, Teredo) are judged by the IPv4 address inside as well, so
 * {@code ::ffff:127.0.0.1} is loopback (the class of bug behind known TURN relay CVEs). The
 * local-use NAT64 prefix 64:ff9b:1::/48 is denied whole: what it reaches is the operator's own
 * choice, not the IPv4 address it seems to carry.
 *
 * <p>The configured lists ({@code rtc.turn.allowed-peers} and {@code denied-peers}) come first:
 * among the configured ranges that contain an address the most specific (longest prefix) decides,
 * and a deny wins a tie. Only an address no configured range contains goes on to the built-in
 * rules, decided the same way. So allowing 10.0.0.0/8 and denying 10.1.2.3 leaves that host
 * refused, and allowing 127.0.0.0/8 opens loopback although it is built-in denied. An address is
 * relayable only when each of its forms (itself and every IPv4 address embedded in it) is.
 */
public final class PeerAddressPolicy {
  /** Ranges refused by the built-in rules (IANA special-purpose registries and the like). */
  public static final List<String> DEFAULT_DENIED = List.of(
      "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
      "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24",
      "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
      "::/128", "::1/128", "64:ff9b:1::/48", "100::/64", "100:0:0:1::/64", "2001::/23", "2001:db8::/32",
      "3fff::/20", "5f00::/16", "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8");
  /**
   * Blocks inside {@link #DEFAULT_DENIED} that IANA marks globally reachable: anycast services and
   * AMT, AS112, ORCHIDv2 and DRIP in 2001::/23, and Teredo 2001::/32, whose embedded addresses are
   * judged instead.
   */
  public static final List<String> DEFAULT_ALLOWED = List.of(
      "2001::/32", "2001:1::1/128", "2001:1::2/128", "2001:1::3/128", "2001:3::/32", "2001:4:112::/48",
      "2001:20::/28", "2001:30::/28");

  /** One range and what it says. */
  private record Rule(Cidr range, boolean allow, String note) {}

  private final List<Rule> configured;
  private final List<Rule> builtIn;

  /**
   * @param allowed ranges allowed ({@code rtc.turn.allowed-peers})
   * @param extraDenied ranges refused ({@code rtc.turn.denied-peers})
   * @param own the server's own addresses (relay, external), refused unless a configured range allows them
   */
  public PeerAddressPolicy(List<Cidr> allowed, List<Cidr> extraDenied, List<InetAddress> own) {
    List<Rule> c = new ArrayList<>();
    allowed.forEach(r -> c.add(new Rule(r, true, "")));
    extraDenied.forEach(r -> c.add(new Rule(r, false, "")));
    this.configured = List.copyOf(c);
    List<Rule> b = new ArrayList<>();
    DEFAULT_DENIED.forEach(s -> b.add(new Rule(Cidr.parse(s), false, "")));
    DEFAULT_ALLOWED.forEach(s -> b.add(new Rule(Cidr.parse(s), true, "")));
    for (InetAddress a : own) {
      if (!a.isAnyLocalAddress()) {
        String host = a.getHostAddress();
        int scope = host.indexOf('%');
        b.add(new Rule(Cidr.parse(scope < 0 ? host : host.substring(0, scope)), false, " (this server's own address)"));
      }
    }
    this.builtIn = List.copyOf(b);
  }

  public PeerAddressPolicy(List<Cidr> allowed, List<Cidr> extraDenied) {
    this(allowed, extraDenied, List.of());
  }

  /** The default policy: nothing allowed beyond globally reachable unicast addresses. */
  public static PeerAddressPolicy defaults() {
    return new PeerAddressPolicy(List.of(), List.of());
  }

  /** Null when the relay may send to {@code peer}; otherwise why not. */
  public String deniedReason(TransportAddress peer) {
    if (peer.port() == 0) {
      return "peer port 0 is not a destination";
    }
    byte[] ip = peer.ip();
    for (byte[] form : forms(ip)) {
      Rule r = decide(configured, form);
      if (r == null) {
        r = decide(builtIn, form);
      }
      if (r != null && !r.allow()) {
        String shown = form == ip ? "" : " (carries " + text(form) + ")";
        return "peer " + new TransportAddress(ip, peer.port()) + shown + " is in denied range " + r.range() + r.note();
      }
    }
    return null;
  }

  /** The most specific rule containing {@code ip}, a deny before an allow of the same length; null if none. */
  private static Rule decide(List<Rule> rules, byte[] ip) {
    Rule best = null;
    for (Rule r : rules) {
      if (!r.range().contains(ip)) {
        continue;
      }
      if (best == null || r.range().prefix() > best.range().prefix()
          || r.range().prefix() == best.range().prefix() && !r.allow()) {
        best = r;
      }
    }
    return best;
  }

  private static String text(byte[] ip) {
    return new TransportAddress(ip, 0).toSocketAddress().getAddress().getHostAddress();
  }

  /** The address itself followed by every IPv4 address embedded in it. */
  static List<byte[]> forms(byte[] ip) {
    List<byte[]> out = new ArrayList<>();
    out.add(ip);
    if (ip.length == 4) {
      return out;
    }
    if (allZero(ip, 0, 10) && ((ip[10] & ip[11] & 0xFF) == 0xFF || (ip[10] | ip[11]) == 0)) {
      // ::ffff:a.b.c.d (mapped) and ::a.b.c.d (compatible; also :: and ::1)
      out.add(Arrays.copyOfRange(ip, 12, 16));
    } else if (allZero(ip, 0, 8) && (ip[8] & ip[9] & 0xFF) == 0xFF && (ip[10] | ip[11]) == 0) {
      // ::ffff:0:a.b.c.d (IPv4-translated, RFC 2765)
      out.add(Arrays.copyOfRange(ip, 12, 16));
    } else if (prefix(ip, 0x00, 0x64, 0xFF, 0x9B) && allZero(ip, 4, 12)) {
      // 64:ff9b::/96, the well-known NAT64 prefix (RFC 6052)
      out.add(Arrays.copyOfRange(ip, 12, 16));
    } else if (prefix(ip, 0x20, 0x02)) {
      // 2002:V4ADDR::/48, 6to4 (RFC 3056)
      out.add(Arrays.copyOfRange(ip, 2, 6));
    } else if (prefix(ip, 0x20, 0x01, 0x00, 0x00)) {
      // 2001:0::/32, Teredo (RFC 4380): the server's address, and the client's with every bit inverted
      out.add(Arrays.copyOfRange(ip, 4, 8));
      byte[] client = Arrays.copyOfRange(ip, 12, 16);
      for (int i = 0; i < 4; i++) {
        client[i] ^= (byte) 0xFF;
      }
      out.add(client);
    }
    return out;
  }

  private static boolean allZero(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return true;
  }

  private static boolean prefix(byte[] b, int... p) {
    for (int i = 0; i < p.length; i++) {
      if ((b[i] & 0xFF) != p[i]) {
        return false;
      }
    }
    return true;
  }
}
