package dev.parley.live.media;

/** FLV file structure: the header and tags. */
public final class Flv {
  private Flv() {}

  /** The 9-byte FLV header followed by PreviousTagSize0. */
  public static byte[] header(boolean audio, boolean video) {
    return new byte[] {'F', 'L', 'V', 1, (byte) ((audio ? 4 : 0) | (video ? 1 : 0)), 0, 0, 0, 9, 0, 0, 0, 0};
  }

  /** One tag (type, 24-bit size, 24+8-bit timestamp, stream id 0, body) and its PreviousTagSize. */
  public static byte[] tag(int type, long timestamp, byte[] body) {
    int n = body.length;
    byte[] t = new byte[11 + n + 4];
    int ts = (int) timestamp;
    t[0] = (byte) type;
    t[1] = (byte) (n >>> 16);
    t[2] = (byte) (n >>> 8);
    t[3] = (byte) n;
    t[4] = (byte) (ts >>> 16);
    t[5] = (byte) (ts >>> 8);
    t[6] = (byte) ts;
    t[7] = (byte) (ts >>> 24);
    System.arraycopy(body, 0, t, 11, n);
    int size = 11 + n;
    t[11 + n] = (byte) (size >>> 24);
    t[12 + n] = (byte) (size >>> 16);
    t[13 + n] = (byte) (size >>> 8);
    t[14 + n] = (byte) size;
    return t;
  }
}
