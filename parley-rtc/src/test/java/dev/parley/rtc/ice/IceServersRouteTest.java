package dev.parley.rtc.ice;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.core.testing.HttpTestClient;
import dev.parley.core.testing.ManualTime;
import dev.parley.core.testing.TestKernel;
import dev.parley.rtc.RtcModule;
import dev.parley.rtc.testing.RtcTestServers;
import dev.parley.rtc.testing.TurnTestClient;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** GET /api/v1/rtc/ice-servers and the IceServers service. */
class IceServersRouteTest {
  static String hmacSha1Base64(String secret, String text) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA1");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
    return Base64.getEncoder().encodeToString(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void answersUrlsAndCoturnRestCredentialsThatTheTurnServerAccepts() throws Exception {
    ManualTime time = new ManualTime();
    try (TestKernel server = RtcTestServers.builder(time).set("rtc.ice.extra-urls",
        "stun:stun.example.org:3478").start()) {
      HttpTestClient http = new HttpTestClient(server.httpBase());
      assertThat(http.get("/api/v1/rtc/ice-servers", null).status()).isEqualTo(401);
      assertThat(http.get("/api/v1/rtc/ice-servers", "not-a-token").status()).isEqualTo(401);

      HttpTestClient.Response r = http.get("/api/v1/rtc/ice-servers", server.token("alice"));
      assertThat(r.status()).isEqualTo(200);
      JsonNode body = r.json();
      String username = body.get("username").asText();
      String password = body.get("password").asText();
      long expiry = Long.parseLong(username.substring(0, username.indexOf(':')));
      assertThat(username).endsWith(":alice");
      assertThat(expiry).isEqualTo(time.now().getEpochSecond() + 12 * 3600);
      assertThat(body.get("expiresAt").asText()).isEqualTo(Instant.ofEpochSecond(expiry).toString());
      assertThat(password).isEqualTo(hmacSha1Base64(RtcTestServers.SECRET, username));
      assertThat(body.get("ttl").asLong()).isEqualTo(12 * 3600);
      int udp = RtcTestServers.module(server).udpPort();
      int tcp = server.port(RtcModule.TCP_LISTENER);
      assertThat(body.get("uris").toString()).contains("stun:127.0.0.1:" + udp, "turn:127.0.0.1:" + udp + "?transport=udp",
          "turn:127.0.0.1:" + tcp + "?transport=tcp", "stun:stun.example.org:3478");
      JsonNode turnEntry = body.get("iceServers").get(1);
      assertThat(turnEntry.get("username").asText()).isEqualTo(username);
      assertThat(turnEntry.get("credential").asText()).isEqualTo(password);
      assertThat(body.get("iceServers").get(0).has("username")).isFalse();

      // The credentials work on Parley's own TURN server.
      try (TurnTestClient c = TurnTestClient.udp(udp).credentials(username, password)) {
        c.allocate();
      }
    }
  }

  @Test
  void configuredUrlsReplaceOwnOnesForAnExternalCoturn() {
    try (TestKernel server = RtcTestServers.builder(new ManualTime())
        .set("rtc.ice.urls", "turn:turn.example.com:3478?transport=udp,turns:turn.example.com:5349?transport=tcp")
        .set("rtc.ice.credential-ttl", "1h").start()) {
      IceServers ice = server.kernel().context().services().first(IceServers.class).orElseThrow();
      IceServers.IceConfig c = ice.forUser("bob", "ignored.example");
      assertThat(c.uris()).containsExactly("turn:turn.example.com:3478?transport=udp",
          "turns:turn.example.com:5349?transport=tcp");
      assertThat(c.iceServers()).hasSize(1);
      assertThat(c.ttlSeconds()).isEqualTo(3600);
    }
  }

  @Test
  void publicHostAndRequestHostGoIntoTheUrls() {
    try (TestKernel server = RtcTestServers.builder(new ManualTime()).set("rtc.ice.public-host", "turn.example.net").start()) {
      IceServers ice = server.kernel().context().services().first(IceServers.class).orElseThrow();
      assertThat(ice.forUser("carol", "other.example").uris().get(0)).startsWith("stun:turn.example.net:");
    }
    assertThat(IceServersService.hostOf("chat.example.com:8080")).isEqualTo("chat.example.com");
    assertThat(IceServersService.hostOf("[2001:db8::1]:8080")).isEqualTo("[2001:db8::1]");
    assertThat(IceServersService.hostOf(null)).isNull();
  }
}
