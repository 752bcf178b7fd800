package dev.parley.live.rtmp.handshake;

import java.util.Arrays;

/**
 * The client's side of the handshake's packets, for the test client and the handshake tests: the
 * server never sends C1 or checks S2, so this is not in the production jar.
 */
public final class ClientHandshake {
  /** Version we put in a complex C1 (a Flash Player 9 like value). */
  static final int CLIENT_VERSION = 0x80000702;

  private ClientHandshake() {}

  /** Whether {@code response} (S2 or C2) carries the digest answering {@code ownDigest}. */
  static boolean checkResponse(byte[] response, byte[] ownDigest, byte[] fullKey) {
    byte[] copy = response.clone();
    HandshakeCrypto.signResponse(copy, ownDigest, fullKey);
    return Arrays.equals(copy, response);
  }

  /** A client C1: complex (scheme 0, with a digest) or simple (zero version). */
  public static byte[] clientC1(boolean complex, int epochMillis) {
    byte[] c1 = HandshakeCrypto.randomPacket(epochMillis);
    if (complex) {
      HandshakeCrypto.putInt(c1, 4, CLIENT_VERSION);
      int off = HandshakeCrypto.digestOffset(c1, 0);
      System.arraycopy(HandshakeCrypto.digestAt(c1, off, Arrays.copyOf(HandshakeCrypto.PLAYER_KEY, 30)), 0, c1, off,
          HandshakeCrypto.DIGEST);
    }
    return c1;
  }

  /**
   * Checks a server's S1 and S2 against our complex C1, as a strict client would: S1's digest with
   * the server key, S2's digest answering ours. True for a simple server answer that echoes C1.
   */
  public static boolean clientVerifies(byte[] c1, byte[] s1, byte[] s2) {
    int size = HandshakeCrypto.SIZE;
    if ((s1[4] | s1[5] | s1[6] | s1[7]) == 0) {
      return Arrays.equals(Arrays.copyOfRange(c1, 8, size), Arrays.copyOfRange(s2, 8, size));
    }
    if (HandshakeCrypto.findScheme(s1, Arrays.copyOf(HandshakeCrypto.SERVER_KEY, 36)) != 0) {
      return false;
    }
    int off = HandshakeCrypto.digestOffset(c1, 0);
    return checkResponse(s2, Arrays.copyOfRange(c1, off, off + HandshakeCrypto.DIGEST), HandshakeCrypto.SERVER_KEY);
  }
}
