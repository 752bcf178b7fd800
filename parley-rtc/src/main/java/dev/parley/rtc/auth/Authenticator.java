package dev.parley.rtc.auth;

import dev.parley.rtc.stun.StunAttr;
import dev.parley.rtc.stun.StunCrypto;
import dev.parley.rtc.stun.StunMessage;
import java.nio.charset.StandardCharsets;
import dev.parley.core.time.TimeSource;

/**
 * The long-term credential check of RFC 8489 section 9.2.4 for TURN requests, with REST usernames:
 * no MESSAGE-INTEGRITY gets 401 with REALM and NONCE; a missing USERNAME, REALM or NONCE gets 400;
 * a nonce that is not ours or has expired gets 438 with a fresh one; an expired or malformed
 * username, another realm or a wrong MESSAGE-INTEGRITY(-SHA256) gets 401. The key is
 * MD5(username:realm:password); MESSAGE-INTEGRITY-SHA256 is checked in preference to
 * MESSAGE-INTEGRITY when both are present.
 */
public final class Authenticator {
  /** Why a request was refused, for the metrics. */
  public enum Failure { NONE, CHALLENGE, BAD_REQUEST, STALE_NONCE, WRONG_REALM, MALFORMED_USERNAME, EXPIRED, BAD_INTEGRITY }

  /**
   * The outcome: {@code failure == NONE} with the key and user, or an error code and reason.
   *
   * @param failure what went wrong, NONE if nothing
   * @param errorCode STUN error code (0 on success)
   * @param reason reason phrase for the error response
   * @param key the long-term key (success only), used to sign the response
   * @param username the USERNAME
   * @param userId the user part of the REST username
   * @param sha256 whether the request used MESSAGE-INTEGRITY-SHA256 (answer in kind)
   */
  public record Result(Failure failure, int errorCode, String reason, byte[] key, String username, String userId,
      boolean sha256) {
    public boolean ok() {
      return failure == Failure.NONE;
    }

    /** Whether the error response carries REALM and a fresh NONCE (401 and 438). */
    public boolean challenge() {
      return errorCode == 401 || errorCode == 438;
    }

    static Result fail(Failure f, int code, String reason) {
      return new Result(f, code, reason, null, null, null, false);
    }
  }

  private final String realm;
  private final RestCredentials rest;
  private final NonceService nonces;
  private final TimeSource time;

  public Authenticator(String realm, RestCredentials rest, NonceService nonces, TimeSource time) {
    this.realm = realm;
    this.rest = rest;
    this.nonces = nonces;
    this.time = time;
  }

  public String realm() {
    return realm;
  }

  public String freshNonce(byte[] clientIp) {
    return nonces.issue(clientIp, time.millis());
  }

  public Result check(StunMessage req, byte[] clientIp) {
    if (!req.hasIntegrity() && !req.hasIntegritySha256()) {
      return Result.fail(Failure.CHALLENGE, 401, "Unauthenticated");
    }
    String username = req.text(StunAttr.USERNAME);
    String reqRealm = req.text(StunAttr.REALM);
    String nonce = req.text(StunAttr.NONCE);
    if (username == null || reqRealm == null || nonce == null) {
      return Result.fail(Failure.BAD_REQUEST, 400, "USERNAME, REALM and NONCE must come with MESSAGE-INTEGRITY");
    }
    long now = time.millis();
    if (nonces.check(nonce, clientIp, now) != NonceService.Check.VALID) {
      return Result.fail(Failure.STALE_NONCE, 438, "Stale Nonce");
    }
    if (!realm.equals(reqRealm)) {
      return Result.fail(Failure.WRONG_REALM, 401, "Unauthenticated: unknown realm");
    }
    RestCredentials.Parsed parsed = RestCredentials.parse(username);
    if (parsed == null) {
      return Result.fail(Failure.MALFORMED_USERNAME, 401, "Unauthenticated: username must be expiry:userId");
    }
    if (parsed.expiresAtSeconds() * 1000 <= now) {
      return Result.fail(Failure.EXPIRED, 401, "Unauthenticated: credentials expired");
    }
    byte[] key = longTermKey(username, realm, rest.password(username));
    boolean sha256 = req.hasIntegritySha256();
    boolean good = sha256 ? req.verifyIntegritySha256(key) : req.verifyIntegrity(key);
    if (!good) {
      return Result.fail(Failure.BAD_INTEGRITY, 401, "Unauthenticated: wrong credentials");
    }
    return new Result(Failure.NONE, 0, null, key, username, parsed.userId(), sha256);
  }

  /** The long-term key of RFC 8489 section 9.2.2 with the MD5 password algorithm. */
  public static byte[] longTermKey(String username, String realm, String password) {
    return StunCrypto.digest("MD5", (username + ":" + realm + ":" + password).getBytes(StandardCharsets.UTF_8));
  }
}
