package dev.parley.core.auth;

import dev.parley.protocol.Ids;
import io.jsonwebtoken.Claims;
import io.jsonwebtoken.ExpiredJwtException;
import io.jsonwebtoken.IncorrectClaimException;
import io.jsonwebtoken.Header;
import io.jsonwebtoken.Jws;
import io.jsonwebtoken.JwsHeader;
import io.jsonwebtoken.JwtBuilder;
import io.jsonwebtoken.JwtException;
import io.jsonwebtoken.JwtParser;
import io.jsonwebtoken.JwtParserBuilder;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.LocatorAdapter;
import io.jsonwebtoken.MissingClaimException;
import io.jsonwebtoken.PrematureJwtException;
import io.jsonwebtoken.UnsupportedJwtException;
import io.jsonwebtoken.security.Keys;
// jjwt's SecurityException (bad signature, unknown key), not java.lang's.
import io.jsonwebtoken.security.SecurityException;
import java.nio.charset.StandardCharsets;
import java.security.Key;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import javax.crypto.SecretKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mints HS256 tokens with the server's secret and verifies tokens signed with that secret or with
 * one of the configured public keys (RS256/384/512, EdDSA, ES256/384/512), for apps that sign
 * tokens in their own backend. Every token must carry {@code sub} (a valid user id) and
 * {@code exp}; {@code iss} is checked when an issuer is configured.
 */
public final class TokenService {
  private static final Logger log = LoggerFactory.getLogger(TokenService.class);

  private final SecretKey hmacKey;
  private final Map<String, PublicKey> publicKeys;
  private final String issuer;
  private final Clock clock;
  private final Duration clockSkew;
  private final JwtParser parser;

  /**
   * @param hmacSecret the HS256 secret, at least 32 bytes of UTF-8
   * @param publicKeys public keys by key id ({@code kid}); a token without kid may use any key of
   *     the matching type when exactly one is configured
   * @param issuer required {@code iss}, or null
   * @param clockSkew tolerance for {@code exp} and {@code nbf}
   */
  public TokenService(String hmacSecret, Map<String, PublicKey> publicKeys, String issuer, Duration clockSkew,
      Clock clock) {
    byte[] secret = hmacSecret.getBytes(StandardCharsets.UTF_8);
    if (secret.length < 32) {
      throw new IllegalArgumentException("the JWT secret must be at least 32 bytes (256 bits) for HS256");
    }
    this.hmacKey = Keys.hmacShaKeyFor(secret);
    this.publicKeys = Map.copyOf(publicKeys);
    this.issuer = issuer;
    this.clock = clock;
    // Whole seconds, as the parser applies it.
    this.clockSkew = Duration.ofSeconds(clockSkew.toSeconds());
    JwtParserBuilder b = Jwts.parser()
        .keyLocator(new KeyLocator())
        .clockSkewSeconds(clockSkew.toSeconds())
        .clock(() -> Date.from(clock.instant()));
    if (issuer != null) {
      b.requireIssuer(issuer);
    }
    this.parser = b.build();
  }

  /** An HS256 token for {@code userId} valid for {@code ttl}, with optional extra claims. */
  public String mint(String userId, Duration ttl, Map<String, ?> extraClaims) {
    if (!Ids.isValidUser(userId)) {
      throw new IllegalArgumentException("invalid user id: " + userId);
    }
    Instant now = clock.instant();
    JwtBuilder b = Jwts.builder()
        .subject(userId)
        .issuedAt(Date.from(now))
        .expiration(Date.from(now.plus(ttl)));
    if (issuer != null) {
      b.issuer(issuer);
    }
    extraClaims.forEach(b::claim);
    return b.signWith(hmacKey, Jwts.SIG.HS256).compact();
  }

  public String mint(String userId, Duration ttl) {
    return mint(userId, ttl, Map.of());
  }

  /**
   * Until when a token that expires at {@code expiresAt} is accepted: its expiry plus the clock
   * skew. {@link #verify} accepts a token up to this instant, and a session on the token should
   * last exactly as long.
   */
  public Instant validUntil(Instant expiresAt) {
    return expiresAt.plus(clockSkew);
  }

  /** Checks signature, expiry (with the clock skew), issuer and subject. */
  public VerifiedToken verify(String token) throws TokenException {
    if (token == null || token.isBlank()) {
      throw new TokenException(TokenException.Reason.INVALID, "no token");
    }
    Jws<Claims> jws;
    try {
      jws = parser.parseSignedClaims(token.trim());
    } catch (ExpiredJwtException e) {
      throw new TokenException(TokenException.Reason.EXPIRED, "token expired at " + e.getClaims().getExpiration().toInstant());
    } catch (JwtException | IllegalArgumentException e) {
      // The library's own text quotes parser internals (Jackson, Base64); the client gets a reason.
      log.debug("token refused: {}", e.toString());
      throw new TokenException(TokenException.Reason.INVALID, reason(e));
    }
    Claims claims = jws.getPayload();
    if (claims.getExpiration() == null) {
      throw new TokenException(TokenException.Reason.INVALID, "token has no expiry (exp)");
    }
    String sub = claims.getSubject();
    if (!Ids.isValidUser(sub)) {
      throw new TokenException(TokenException.Reason.INVALID, "token subject is not a valid user id");
    }
    return new VerifiedToken(sub, claims.getExpiration().toInstant(), new HashMap<>(claims));
  }

  /** What a client is told about a token the parser refused. */
  static String reason(Exception e) {
    if (e instanceof PrematureJwtException) {
      return "token is not valid yet (nbf)";
    }
    if (e instanceof SecurityException) {
      return "token signature does not verify";
    }
    if (e instanceof IncorrectClaimException || e instanceof MissingClaimException) {
      return "token issuer is not accepted";
    }
    if (e instanceof UnsupportedJwtException) {
      return "token is not a signed JWT";
    }
    return "token is not a well-formed JWT";
  }

  private final class KeyLocator extends LocatorAdapter<Key> {
    @Override
    protected Key locate(JwsHeader header) {
      String alg = header.getAlgorithm();
      if (alg != null && alg.startsWith("HS")) {
        return hmacKey;
      }
      String kid = header.getKeyId();
      if (kid != null) {
        PublicKey k = publicKeys.get(kid);
        if (k == null) {
          throw new JwtException("unknown key id " + kid);
        }
        return k;
      }
      String family = alg == null ? "" : alg.startsWith("RS") || alg.startsWith("PS") ? "RSA"
          : alg.equals("EdDSA") ? "Ed" : alg.startsWith("ES") ? "EC" : "?";
      PublicKey only = null;
      for (PublicKey k : publicKeys.values()) {
        String a = k.getAlgorithm();
        boolean fits = family.equals("Ed") ? a.startsWith("Ed") : a.equals(family);
        if (fits) {
          if (only != null) {
            throw new JwtException("several " + family + " keys are configured; the token must name one with kid");
          }
          only = k;
        }
      }
      if (only == null) {
        throw new JwtException("no key configured for algorithm " + alg);
      }
      return only;
    }

    @Override
    protected Key doLocate(Header header) {
      throw new JwtException("unsigned tokens are not accepted");
    }
  }
}
