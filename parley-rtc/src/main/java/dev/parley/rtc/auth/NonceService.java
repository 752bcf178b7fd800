package dev.parley.rtc.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Stateless nonces: the expiry (hex milliseconds) and a MAC over it and the client's IP address
 * under a key made at start. Nothing is stored per client, a nonce works only for the address it
 * was given to, and a restart makes old nonces stale (clients then retry with the fresh one).
 */
public final class NonceService {
  /** What a presented nonce is. */
  public enum Check { VALID, STALE, INVALID }

  private final byte[] key = new byte[32];
  private final long lifetimeMillis;
  private final ThreadLocal<Mac> mac;

  public NonceService(long lifetimeMillis) {
    new SecureRandom().nextBytes(key);
    this.lifetimeMillis = lifetimeMillis;
    this.mac = ThreadLocal.withInitial(() -> {
      try {
        Mac m = Mac.getInstance("HmacSHA256");
        m.init(new SecretKeySpec(key, "HmacSHA256"));
        return m;
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    });
  }

  public String issue(byte[] clientIp, long nowMillis) {
    String expiry = Long.toHexString(nowMillis + lifetimeMillis);
    return expiry + "." + sign(expiry, clientIp);
  }

  public Check check(String nonce, byte[] clientIp, long nowMillis) {
    int dot = nonce.indexOf('.');
    if (dot <= 0 || dot > 16) {
      return Check.INVALID;
    }
    String expiry = nonce.substring(0, dot);
    byte[] expected = sign(expiry, clientIp).getBytes(StandardCharsets.US_ASCII);
    if (!MessageDigest.isEqual(expected, nonce.substring(dot + 1).getBytes(StandardCharsets.US_ASCII))) {
      return Check.INVALID;
    }
    long until;
    try {
      until = Long.parseUnsignedLong(expiry, 16);
    } catch (NumberFormatException e) {
      return Check.INVALID;
    }
    return nowMillis < until ? Check.VALID : Check.STALE;
  }

  private String sign(String expiry, byte[] clientIp) {
    Mac m = mac.get();
    m.update(expiry.getBytes(StandardCharsets.US_ASCII));
    m.update(clientIp);
    byte[] h = m.doFinal();
    return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(h, 12));
  }
}
