package dev.parley.rtc.policy;

import dev.parley.rtc.stun.TransportAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Decides whether a relay may send to a peer. By default it refuses addresses that reach into the
 * server's own host or network: unspecified, loopback, private, shared (CGNAT), link-local,
 * unique-local, site-local, multicast, broadcast, reserved and documentation ranges. IPv6 forms that
 * carry an IPv4 address (IPv4-mapped, IPv4-compatible, IPv4-translated, NAT64 64:ff9b::/96 and
 * 64:ff9b:1::/48, 6to4, Teredo) are judged by the IPv4 address inside, so {@code ::ffff:127.0.0.1}
 * is loopback (the class of bug behind known TURN relay CVEs). Ranges in the allow list win over
 * the deny list: tests and private deployments allow 127.0.0.0/8 or their LAN.
 */
public final class PeerAddressPolicy {
  /** Ranges refused unless allowed. */
  public static final List<String> DEFAULT_DENIED = List.of(
      "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
      "192.0.0.0/24", "192.0.2.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24",
      "224.0.0.0/4", "240.0.0.0/4",
      "::/128", "::1/128", "100::/64", "2001:db8::/32", "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8");

  private final List<Cidr> denied;
  private final List<Cidr> allowed;

  /**
   * @param allowed ranges always allowed (checked first)
   * @param extraDenied ranges refused in addition to {@link #DEFAULT_DENIED}
   */
  public PeerAddressPolicy(List<Cidr> allowed, List<Cidr> extraDenied) {
    List<Cidr> d = new ArrayList<>();
    for (String s : DEFAULT_DENIED) {
      d.add(Cidr.parse(s));
    }
    d.addAll(extraDenied);
    this.denied = List.copyOf(d);
    this.allowed = List.copyOf(allowed);
  }

  /** The default policy: nothing allowed beyond public unicast addresses. */
  public static PeerAddressPolicy defaults() {
    return new PeerAddressPolicy(List.of(), List.of());
  }

  /** Null when the relay may send to {@code peer}; otherwise why not. */
  public String deniedReason(TransportAddress peer) {
    if (peer.port() == 0) {
      return "peer port 0 is not a destination";
    }
    byte[] ip = peer.ip();
    if (matches(allowed, ip)) {
      return null;
    }
    List<byte[]> forms = forms(ip);
    for (byte[] form : forms) {
      if (matches(allowed, form)) {
        continue;
      }
      for (Cidr c : denied) {
        if (c.contains(form)) {
          String shown = form == ip ? "" : " (carries " + text(form) + ")";
          return "peer " + new TransportAddress(ip, peer.port()) + shown + " is in denied range " + c;
        }
      }
    }
    return null;
  }

  private static String text(byte[] ip) {
    return new TransportAddress(ip, 0).toSocketAddress().getAddress().getHostAddress();
  }

  private static boolean matches(List<Cidr> ranges, byte[] ip) {
    for (Cidr c : ranges) {
      if (c.contains(ip)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The address itself followed by every IPv4 address embedded in it; for an IPv6 address that
   * embeds IPv4 only the IPv4 forms decide (the IPv6 wrapper is no destination of its own).
   */
  static List<byte[]> forms(byte[] ip) {
    if (ip.length == 4) {
      return List.of(ip);
    }
    List<byte[]> out = new ArrayList<>();
    if (allZero(ip, 0, 10) && ((ip[10] & ip[11] & 0xFF) == 0xFF || (ip[10] | ip[11]) == 0)) {
      // ::ffff:a.b.c.d (mapped) and ::a.b.c.d (compatible; also :: and ::1)
      out.add(Arrays.copyOfRange(ip, 12, 16));
    } else if (allZero(ip, 0, 8) && (ip[8] & ip[9] & 0xFF) == 0xFF && (ip[10] | ip[11]) == 0) {
      // ::ffff:0:a.b.c.d (IPv4-translated, RFC 2765)
      out.add(Arrays.copyOfRange(ip, 12, 16));
    } else if (prefix(ip, 0x00, 0x64, 0xFF, 0x9B) && allZero(ip, 4, 12)) {
      // 64:ff9b::/96, the well-known NAT64 prefix (RFC 6052)
      out.add(Arrays.copyOfRange(ip, 12, 16));
    } else if (prefix(ip, 0x00, 0x64, 0xFF, 0x9B, 0x00, 0x01)) {
      // 64:ff9b:1::/48, local-use NAT64 (RFC 8215): RFC 6052's /48 layout skips the u octet (byte 8)
      out.add(new byte[] {ip[6], ip[7], ip[9], ip[10]});
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
    if (out.isEmpty()) {
      out.add(ip);
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
