package dev.parley.live.rtmp.handshake;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The RTMP handshake's packets, simple and complex. In the complex ("digest") form a 32-byte
 * HMAC-SHA256 digest sits in C1 and S1 at an offset the packet itself encodes (scheme 0: from the
 * 4 bytes at 8, scheme 1: from the 4 bytes at 772), keyed with the Flash Player or Flash Media
 * Server identity; the last 32 bytes of S2 and C2 are a digest keyed by a digest of the peer's
 * C1/S1 digest. Clients that send a zero version in C1 get the simple echo handshake.
 */
public final class HandshakeCrypto {
  /** Length of C1, C2, S1 and S2. */
  public static final int SIZE = 1536;
  static final int DIGEST = 32;

  private static final byte[] SHARED = {
      (byte) 0xF0, (byte) 0xEE, (byte) 0xC2, (byte) 0x4A, (byte) 0x80, (byte) 0x68, (byte) 0xBE, (byte) 0xE8,
      (byte) 0x2E, (byte) 0x00, (byte) 0xD0, (byte) 0xD1, (byte) 0x02, (byte) 0x9E, (byte) 0x7E, (byte) 0x57,
      (byte) 0x6E, (byte) 0xEC, (byte) 0x5D, (byte) 0x2D, (byte) 0x29, (byte) 0x80, (byte) 0x6F, (byte) 0xAB,
      (byte) 0x93, (byte) 0xB8, (byte) 0xE6, (byte) 0x36, (byte) 0xCF, (byte) 0xEB, (byte) 0x31, (byte) 0xAE};
  private static final byte[] PLAYER_ID = "Genuine Adobe Flash Player 001".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] SERVER_ID = "Genuine Adobe Flash Media Server 001".getBytes(StandardCharsets.US_ASCII);
  /** The full keys: the identity followed by the shared 32 bytes. */
  static final byte[] PLAYER_KEY = concat(PLAYER_ID, SHARED);
  static final byte[] SERVER_KEY = concat(SERVER_ID, SHARED);
  /** Version we put in S1 (a Flash Media Server 4.5 like value). */
  static final int SERVER_VERSION = 0x04050001;

  private static final SecureRandom RANDOM = new SecureRandom();

  private HandshakeCrypto() {}

  /** The offset of the digest in a C1 or S1 for a scheme (0 or 1). */
  static int digestOffset(byte[] packet, int scheme) {
    int base = scheme == 0 ? 8 : 772;
    int sum = (packet[base] & 0xFF) + (packet[base + 1] & 0xFF) + (packet[base + 2] & 0xFF) + (packet[base + 3] & 0xFF);
    return base + 4 + sum % 728;
  }

  /** The digest of a packet at {@code offset} (the packet without those 32 bytes, HMAC'd with key). */
  static byte[] digestAt(byte[] packet, int offset, byte[] key) {
    Mac mac = hmac(key);
    mac.update(packet, 0, offset);
    mac.update(packet, offset + DIGEST, packet.length - offset - DIGEST);
    return mac.doFinal();
  }

  /**
   * The scheme whose digest in {@code c1} checks out with the player key, or -1 when the packet is
   * not a complex handshake.
   */
  static int findScheme(byte[] c1, byte[] key) {
    for (int scheme = 0; scheme < 2; scheme++) {
      int off = digestOffset(c1, scheme);
      byte[] expected = digestAt(c1, off, key);
      if (Arrays.equals(expected, Arrays.copyOfRange(c1, off, off + DIGEST))) {
        return scheme;
      }
    }
    return -1;
  }

  /** S1 followed by S2 for a client's C1: complex when C1 carries a valid digest, simple otherwise. */
  static byte[] serverResponse(byte[] c1, int epochMillis) {
    byte[] s1 = randomPacket(epochMillis);
    byte[] s2;
    int scheme = (c1[4] | c1[5] | c1[6] | c1[7]) == 0 ? -1 : findScheme(c1, Arrays.copyOf(PLAYER_KEY, 30));
    if (scheme < 0) {
      // Simple: S1 has a zero version; S2 echoes C1 (its time, then our time of reading, then its random).
      s2 = c1.clone();
      putInt(s2, 4, epochMillis);
    } else {
      putInt(s1, 4, SERVER_VERSION);
      int off = digestOffset(s1, scheme);
      System.arraycopy(digestAt(s1, off, Arrays.copyOf(SERVER_KEY, 36)), 0, s1, off, DIGEST);
      int clientOff = digestOffset(c1, scheme);
      byte[] clientDigest = Arrays.copyOfRange(c1, clientOff, clientOff + DIGEST);
      s2 = randomPacket(epochMillis);
      signResponse(s2, clientDigest, SERVER_KEY);
    }
    byte[] out = new byte[SIZE * 2];
    System.arraycopy(s1, 0, out, 0, SIZE);
    System.arraycopy(s2, 0, out, SIZE, SIZE);
    return out;
  }

  /** Puts into the last 32 bytes of {@code packet} its digest keyed by HMAC(fullKey, peerDigest). */
  static void signResponse(byte[] packet, byte[] peerDigest, byte[] fullKey) {
    byte[] key = hmac(fullKey).doFinal(peerDigest);
    Mac mac = hmac(key);
    mac.update(packet, 0, SIZE - DIGEST);
    System.arraycopy(mac.doFinal(), 0, packet, SIZE - DIGEST, DIGEST);
  }

  static byte[] randomPacket(int epochMillis) {
    byte[] p = new byte[SIZE];
    RANDOM.nextBytes(p);
    putInt(p, 0, epochMillis);
    putInt(p, 4, 0);
    return p;
  }

  static void putInt(byte[] b, int off, int v) {
    b[off] = (byte) (v >>> 24);
    b[off + 1] = (byte) (v >>> 16);
    b[off + 2] = (byte) (v >>> 8);
    b[off + 3] = (byte) v;
  }

  private static Mac hmac(byte[] key) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JRE", e);
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
