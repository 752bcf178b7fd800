package dev.parley.rtc.stun;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.zip.CRC32;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HMAC-SHA1, HMAC-SHA256, MD5, SHA-256 and the FINGERPRINT CRC, with per-thread instances. */
public final class StunCrypto {
  private StunCrypto() {}

  /** FINGERPRINT is the CRC-32 of the message XOR-ed with this ("STUN"). */
  public static final int FINGERPRINT_XOR = 0x5354554e;

  private static final ThreadLocal<Mac> SHA1 = ThreadLocal.withInitial(() -> mac("HmacSHA1"));
  private static final ThreadLocal<Mac> SHA256 = ThreadLocal.withInitial(() -> mac("HmacSHA256"));

  private static Mac mac(String algorithm) {
    try {
      return Mac.getInstance(algorithm);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(algorithm + " is not available", e);
    }
  }

  /** A ready HMAC: SHA-1 when {@code sha256} is false. */
  static Mac hmac(byte[] key, boolean sha256) {
    Mac m = (sha256 ? SHA256 : SHA1).get();
    try {
      m.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, sha256 ? "HmacSHA256" : "HmacSHA1"));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    return m;
  }

  public static byte[] hmacSha1(byte[] key, byte[] data) {
    return hmac(key, false).doFinal(data);
  }

  public static byte[] digest(String algorithm, byte[] data) {
    try {
      return MessageDigest.getInstance(algorithm).digest(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(algorithm + " is not available", e);
    }
  }

  public static int crc32(byte[] data, int off, int len) {
    CRC32 crc = new CRC32();
    crc.update(data, off, len);
    return (int) crc.getValue();
  }
}
