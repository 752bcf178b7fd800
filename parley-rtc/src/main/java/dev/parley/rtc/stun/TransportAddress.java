package dev.parley.rtc.stun;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * An IP address and port exactly as a STUN address attribute carries it. The family is the one
 * the attribute names (4 bytes: IPv4, 16 bytes: IPv6): an IPv4-mapped IPv6 address stays IPv6
 * here, unlike {@link InetAddress#getByAddress(byte[])}, so the relay policy sees what the client
 * really asked for.
 *
 * @param ip 4 or 16 address bytes
 * @param port 0-65535
 */
public record TransportAddress(byte[] ip, int port) {
  public static final int FAMILY_IPV4 = 0x01;
  public static final int FAMILY_IPV6 = 0x02;

  public TransportAddress {
    if (ip.length != 4 && ip.length != 16) {
      throw new IllegalArgumentException("an IP address has 4 or 16 bytes, not " + ip.length);
    }
    if (port < 0 || port > 0xFFFF) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
  }

  public static TransportAddress of(InetSocketAddress a) {
    return new TransportAddress(a.getAddress().getAddress(), a.getPort());
  }

  public int family() {
    return ip.length == 4 ? FAMILY_IPV4 : FAMILY_IPV6;
  }

  public boolean isIpv4() {
    return ip.length == 4;
  }

  /** The address to send to, keeping the family (an IPv4-mapped IPv6 address stays an {@link Inet6Address}). */
  public InetSocketAddress toSocketAddress() {
    try {
      InetAddress a = ip.length == 4 ? Inet4Address.getByAddress(ip) : Inet6Address.getByAddress(null, ip, -1);
      return new InetSocketAddress(a, port);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TransportAddress t && t.port == port && Arrays.equals(t.ip, ip);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(ip) * 31 + port;
  }

  @Override
  public String toString() {
    return toSocketAddress().getAddress().getHostAddress() + ":" + port;
  }
}
