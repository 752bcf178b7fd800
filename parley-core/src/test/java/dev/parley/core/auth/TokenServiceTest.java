package dev.parley.core.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jsonwebtoken.Jwts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenServiceTest {
  static final String SECRET = "0123456789abcdef0123456789abcdef-secret";
  final Instant now = Instant.parse("2026-01-01T00:00:00Z");
  final Clock clock = Clock.fixed(now, ZoneOffset.UTC);

  @TempDir
  Path dir;

  TokenService service(Map<String, java.security.PublicKey> keys) {
    return new TokenService(SECRET, keys, null, Duration.ofSeconds(5), clock);
  }

  @Test
  void mintedTokenVerifies() throws Exception {
    TokenService s = service(Map.of());
    VerifiedToken t = s.verify(s.mint("alice", Duration.ofHours(1)));
    assertThat(t.userId()).isEqualTo("alice");
    assertThat(t.expiresAt()).isEqualTo(now.plus(Duration.ofHours(1)));
  }

  @Test
  void expiredTokenIsRefusedAsExpired() {
    TokenService past = new TokenService(SECRET, Map.of(), null, Duration.ZERO,
        Clock.fixed(now.minus(Duration.ofHours(2)), ZoneOffset.UTC));
    String token = past.mint("alice", Duration.ofHours(1));
    assertThatThrownBy(() -> service(Map.of()).verify(token))
        .isInstanceOfSatisfying(TokenException.class, e -> assertThat(e.reason()).isEqualTo(TokenException.Reason.EXPIRED));
  }

  @Test
  void tokenSignedWithAnotherSecretIsInvalid() {
    String token = new TokenService("another-secret-another-secret-0123456", Map.of(), null, Duration.ZERO, clock)
        .mint("alice", Duration.ofHours(1));
    assertThatThrownBy(() -> service(Map.of()).verify(token))
        .isInstanceOfSatisfying(TokenException.class, e -> assertThat(e.reason()).isEqualTo(TokenException.Reason.INVALID));
  }

  @Test
  void unsignedTokenIsInvalid() {
    String header = b64("{\"alg\":\"none\"}");
    String body = b64("{\"sub\":\"alice\",\"exp\":" + (now.getEpochSecond() + 3600) + "}");
    assertThatThrownBy(() -> service(Map.of()).verify(header + "." + body + "."))
        .isInstanceOf(TokenException.class);
  }

  @Test
  void refusalsSayWhatIsWrongWithoutTheParsersInternals() {
    TokenService s = service(Map.of());
    String other = new TokenService("another-secret-another-secret-0123456", Map.of(), null, Duration.ZERO, clock)
        .mint("alice", Duration.ofHours(1));
    String notYet = Jwts.builder().subject("alice").notBefore(Date.from(now.plusSeconds(600)))
        .expiration(Date.from(now.plusSeconds(3600))).signWith(io.jsonwebtoken.security.Keys.hmacShaKeyFor(
            SECRET.getBytes(StandardCharsets.UTF_8)), Jwts.SIG.HS256).compact();
    assertThatThrownBy(() -> s.verify("eyJub3QiOiJqc29uIn0.garbage.sig")).hasMessage("token is not a well-formed JWT");
    assertThatThrownBy(() -> s.verify("not a token at all")).hasMessage("token is not a well-formed JWT");
    assertThatThrownBy(() -> s.verify(other)).hasMessage("token signature does not verify");
    assertThatThrownBy(() -> s.verify(notYet)).hasMessage("token is not valid yet (nbf)");
    String header = b64("{\"alg\":\"none\"}");
    String body = b64("{\"sub\":\"alice\",\"exp\":" + (now.getEpochSecond() + 3600) + "}");
    assertThatThrownBy(() -> s.verify(header + "." + body + ".")).hasMessage("token is not a signed JWT");
    assertThatThrownBy(() -> new TokenService(SECRET, Map.of(), "https://issuer.example", Duration.ZERO, clock)
        .verify(s.mint("alice", Duration.ofHours(1)))).hasMessage("token issuer is not accepted");
  }

  @Test
  void tokenWithoutExpiryIsInvalid() {
    String token = Jwts.builder().subject("alice")
        .signWith(io.jsonwebtoken.security.Keys.hmacShaKeyFor(SECRET.getBytes(StandardCharsets.UTF_8)))
        .compact();
    assertThatThrownBy(() -> service(Map.of()).verify(token)).hasMessageContaining("no expiry");
  }

  @Test
  void tokenWithBadSubjectIsInvalid() {
    String token = Jwts.builder().subject("not:valid").expiration(Date.from(now.plusSeconds(60)))
        .signWith(io.jsonwebtoken.security.Keys.hmacShaKeyFor(SECRET.getBytes(StandardCharsets.UTF_8)))
        .compact();
    assertThatThrownBy(() -> service(Map.of()).verify(token)).hasMessageContaining("subject");
  }

  @Test
  void rs256AndEdDsaTokensFromTheAppsBackendVerifyWithConfiguredPublicKeys() throws Exception {
    KeyPair rsa = KeyPairGenerator.getInstance("RSA").generateKeyPair();
    KeyPair ed = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    Path rsaPem = writePem(dir.resolve("app-rsa.pem"), rsa.getPublic().getEncoded());
    Path edPem = writePem(dir.resolve("app-ed.pem"), ed.getPublic().getEncoded());
    TokenService s = service(PublicKeys.load(List.of(rsaPem.toString(), edPem.toString())));

    String rsToken = Jwts.builder().subject("alice").expiration(Date.from(now.plusSeconds(60)))
        .signWith(rsa.getPrivate(), Jwts.SIG.RS256).compact();
    assertThat(s.verify(rsToken).userId()).isEqualTo("alice");

    String edToken = Jwts.builder().header().keyId("app-ed").and().subject("bob")
        .expiration(Date.from(now.plusSeconds(60))).signWith(ed.getPrivate(), Jwts.SIG.EdDSA).compact();
    assertThat(s.verify(edToken).userId()).isEqualTo("bob");

    KeyPair stranger = KeyPairGenerator.getInstance("RSA").generateKeyPair();
    String forged = Jwts.builder().subject("alice").expiration(Date.from(now.plusSeconds(60)))
        .signWith(stranger.getPrivate(), Jwts.SIG.RS256).compact();
    assertThatThrownBy(() -> s.verify(forged)).isInstanceOf(TokenException.class);
  }

  @Test
  void issuerIsCheckedWhenConfigured() throws Exception {
    TokenService withIssuer = new TokenService(SECRET, Map.of(), "parley", Duration.ZERO, clock);
    assertThat(withIssuer.verify(withIssuer.mint("alice", Duration.ofMinutes(1))).userId()).isEqualTo("alice");
    String noIssuer = service(Map.of()).mint("alice", Duration.ofMinutes(1));
    assertThatThrownBy(() -> withIssuer.verify(noIssuer)).isInstanceOf(TokenException.class);
  }

  @Test
  void shortSecretIsRefused() {
    assertThatThrownBy(() -> new TokenService("short", Map.of(), null, Duration.ZERO, clock))
        .hasMessageContaining("at least 32 bytes");
  }

  private static Path writePem(Path file, byte[] der) throws Exception {
    String pem = "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(der)
        + "\n-----END PUBLIC KEY-----\n";
    return Files.writeString(file, pem);
  }

  private static String b64(String s) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }
}
