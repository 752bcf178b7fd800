package dev.parley.rtc.auth;

import dev.parley.rtc.stun.StunCrypto;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

/**
 * Ephemeral TURN credentials in coturn's REST-API scheme (its {@code use-auth-secret}): the username
 * is {@code expiry:userId} with the expiry in Unix seconds, the password is
 * {@code base64(HMAC-SHA1(secret, username))}. Anyone who knows the secret can check them without
 * a database, so a coturn sharing the secret accepts the same credentials.
 */
public final class RestCredentials {
  private final byte[] secret;

  public RestCredentials(String secret) {
    this.secret = secret.getBytes(StandardCharsets.UTF_8);
  }

  /** A username and password. */
  public record Credentials(String username, String password, Instant expiresAt) {}

  /** What a REST username says: who, and until when. */
  public record Parsed(long expiresAtSeconds, String userId) {}

  public Credentials mint(String userId, Duration ttl, Instant now) {
    long expiry = now.plus(ttl).getEpochSecond();
    String username = expiry + ":" + userId;
    return new Credentials(username, password(username), Instant.ofEpochSecond(expiry));
  }

  public String password(String username) {
    return Base64.getEncoder().encodeToString(StunCrypto.hmacSha1(secret, username.getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * Reads a REST username: {@code expiry:userId}, or a bare expiry (coturn accepts both). Null when
   * the part before the first colon is not a number.
   */
  public static Parsed parse(String username) {
    int colon = username.indexOf(':');
    String ts = colon < 0 ? username : username.substring(0, colon);
    if (ts.isEmpty() || ts.length() > 18 || !ts.chars().allMatch(Character::isDigit)) {
      return null;
    }
    return new Parsed(Long.parseLong(ts), colon < 0 ? "" : username.substring(colon + 1));
  }
}
