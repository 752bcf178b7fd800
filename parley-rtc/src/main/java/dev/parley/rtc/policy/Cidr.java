package dev.parley.rtc.policy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * An address range written {@code 10.0.0.0/8} or {@code fc00::/7} (a bare address is a single
 * host). IPv4 ranges match 4-byte addresses and IPv6 ranges 16-byte ones.
 */
public final class Cidr {
  private final byte[] network;
  private final int prefix;
  private final String text;

  private Cidr(byte[] network, int prefix, String text) {
    this.network = network;
    this.prefix = prefix;
    this.text = text;
  }

  public static Cidr parse(String s) {
    String t = s.trim();
    int slash = t.indexOf('/');
    String host = slash < 0 ? t : t.substring(0, slash);
    if (!host.matches("[0-9a-fA-F:.]+")) {
      throw new IllegalArgumentException(s + " is not an address range (like 10.0.0.0/8 or fc00::/7)");
    }
    byte[] addr;
    try {
      addr = InetAddress.getByName(host).getAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(s + " is not an address range (like 10.0.0.0/8 or fc00::/7)");
    }
    if (host.contains(":") && addr.length == 4) {
      // Java folds ::ffff:a.b.c.d to IPv4; keep the range as the IPv6 one it was written as.
      byte[] v6 = new byte[16];
      v6[10] = (byte) 0xFF;
      v6[11] = (byte) 0xFF;
      System.arraycopy(addr, 0, v6, 12, 4);
      addr = v6;
    }
    int prefix;
    try {
      prefix = slash < 0 ? addr.length * 8 : Integer.parseInt(t.substring(slash + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(s + ": the prefix length is not a number");
    }
    if (prefix < 0 || prefix > addr.length * 8) {
      throw new IllegalArgumentException(s + ": prefix length out of range");
    }
    byte[] network = mask(addr, prefix);
    return new Cidr(network, prefix, t);
  }

  /** The prefix length. */
  public int prefix() {
    return prefix;
  }

  public boolean contains(byte[] address) {
    if (address.length != network.length) {
      return false;
    }
    return Arrays.equals(mask(address, prefix), network);
  }

  private static byte[] mask(byte[] a, int prefix) {
    byte[] out = a.clone();
    for (int i = 0; i < out.length; i++) {
      int bits = Math.max(0, Math.min(8, prefix - 8 * i));
      out[i] &= (byte) (0xFF << (8 - bits));
    }
    return out;
  }

  @Override
  public String toString() {
    return text;
  }
}
