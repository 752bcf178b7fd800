package dev.parley.rtc.stun;

import java.util.Arrays;

/**
 * Address attribute values (RFC 8489 sections 14.1 and 14.2): a reserved byte, the family, the
 * port and the address; XOR-ed forms mask the port with the cookie's top 16 bits and the address
 * with the cookie (IPv4) or cookie and transaction id (IPv6).
 */
public final class AddressCodec {
  private AddressCodec() {}

  public static final int MAGIC_COOKIE = 0x2112A442;

  public static byte[] encode(TransportAddress a, byte[] transactionId, boolean xor) {
    byte[] ip = a.ip().clone();
    int port = a.port();
    if (xor) {
      port ^= MAGIC_COOKIE >>> 16;
      xorAddress(ip, transactionId);
    }
    byte[] out = new byte[4 + ip.length];
    out[1] = (byte) a.family();
    out[2] = (byte) (port >>> 8);
    out[3] = (byte) port;
    System.arraycopy(ip, 0, out, 4, ip.length);
    return out;
  }

  /** Decodes an address value; the family byte must agree with the length. */
  public static TransportAddress decode(byte[] v, byte[] transactionId, boolean xor) throws StunException {
    if (v.length < 4) {
      throw new StunException("address attribute shorter than 4 bytes");
    }
    int family = v[1] & 0xFF;
    int expected = family == TransportAddress.FAMILY_IPV4 ? 8 : family == TransportAddress.FAMILY_IPV6 ? 20 : -1;
    if (expected < 0) {
      throw new StunException("unknown address family 0x" + Integer.toHexString(family));
    }
    if (v.length != expected) {
      throw new StunException("address attribute of family " + family + " must be " + expected + " bytes, not " + v.length);
    }
    int port = ((v[2] & 0xFF) << 8) | (v[3] & 0xFF);
    byte[] ip = Arrays.copyOfRange(v, 4, v.length);
    if (xor) {
      port ^= MAGIC_COOKIE >>> 16;
      xorAddress(ip, transactionId);
    }
    return new TransportAddress(ip, port);
  }

  private static void xorAddress(byte[] ip, byte[] transactionId) {
    for (int i = 0; i < ip.length; i++) {
      int mask = i < 4 ? (MAGIC_COOKIE >>> (24 - 8 * i)) & 0xFF : transactionId[i - 4] & 0xFF;
      ip[i] ^= (byte) mask;
    }
  }
}
