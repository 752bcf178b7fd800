package dev.parley.core.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.core.http.WebSocketEndpoint;
import dev.parley.core.spi.ParleyModule;
import dev.parley.core.spi.ServerContext;
import dev.parley.core.testing.TestKernel;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a browser page may do depending on its origin: the server's own pages and the allowed
 * origins may use the dev login, the admin API and WebSockets; pages of other sites may not, and
 * no answer carries a wildcard CORS header. Requests are written by hand, since browsers set
 * {@code Host} and {@code Origin} themselves (and Java's client refuses to).
 */
class BrowserOriginTest {
  static final String ALLOWED = "http://app.example:3000";
  static final String EVIL = "https://evil.example";
  static TestKernel server;
  static final AtomicInteger posts = new AtomicInteger();

  /** A POST route that counts its calls, and a WebSocket endpoint that accepts anything. */
  static final class Module implements ParleyModule {
    @Override
    public String name() {
      return "origin-test";
    }

    @Override
    public void start(ServerContext ctx) {
      ctx.http().post("/things", ex -> {
        posts.incrementAndGet();
        ex.respondText(HttpResponseStatus.OK, "text/plain", "done");
      });
      ctx.http().get("/page.txt", ex -> ex.respondText(HttpResponseStatus.OK, "text/plain", "page"));
      ctx.http().webSocket("/ws", new WebSocketEndpoint() {
        @Override
        public int maxMessageBytes() {
          return 1024;
        }

        @Override
        public void configure(Channel channel, FullHttpRequest handshake, String subprotocol) {
          // accepts; nothing to do
        }
      });
    }
  }

  @BeforeAll
  static void start() {
    server = TestKernel.builder(() -> List.of(new Module())).set("http.allowed-origins", ALLOWED).start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** One raw HTTP exchange: status line, headers (lower-case names), body. */
  record Answer(int status, Map<String, String> headers, String body) {}

  static Answer send(String method, String path, Map<String, String> headers, String body) throws IOException {
    return sendTo(server.httpPort(), method, path, headers, body);
  }

  static Answer sendTo(int port, String method, String path, Map<String, String> headers, String body)
      throws IOException {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(10_000);
      StringBuilder req = new StringBuilder(method + " " + path + " HTTP/1.1\r\n");
      Map<String, String> h = new LinkedHashMap<>();
      h.put("Host", "127.0.0.1:" + port);
      h.putAll(headers);
      h.put("Connection", "close");
      byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
      if (body != null) {
        h.put("Content-Length", String.valueOf(content.length));
      }
      h.forEach((k, v) -> req.append(k).append(": ").append(v).append("\r\n"));
      req.append("\r\n");
      OutputStream out = s.getOutputStream();
      out.write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
      out.write(content);
      out.flush();
      return read(s.getInputStream(), method.equals("GET") && headers.containsKey("Upgrade"));
    }
  }

  private static Answer read(InputStream in, boolean headOnly) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    byte[] buf = new byte[4096];
    int n;
    while ((n = in.read(buf)) > 0) {
      all.write(buf, 0, n);
      String text = all.toString(StandardCharsets.ISO_8859_1);
      // An upgraded connection stays open: the head is the answer.
      if (headOnly && text.contains("\r\n\r\n")) {
        break;
      }
    }
    String text = all.toString(StandardCharsets.UTF_8);
    int end = text.indexOf("\r\n\r\n");
    String[] lines = text.substring(0, end).split("\r\n");
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.merge(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim(),
          (a, b) -> a + ", " + b);
    }
    return new Answer(Integer.parseInt(lines[0].split(" ")[1]), headers, text.substring(end + 4));
  }

  private static String own() {
    return "http://127.0.0.1:" + server.httpPort();
  }

  private static Answer devLogin(Map<String, String> headers) throws IOException {
    return send("POST", "/api/v1/dev/login", headers, "{\"userId\":\"bob\"}");
  }

  @Test
  void aPageOfAnotherSiteCannotMintATokenWithTheDevLogin() throws IOException {
    // The report's reproduction: a text/plain body needs no preflight, so a page could send it.
    Answer a = devLogin(Map.of("Origin", EVIL, "Content-Type", "text/plain"));
    assertThat(a.status()).isEqualTo(403);
    assertThat(a.body()).contains("ORIGIN_NOT_ALLOWED").doesNotContain("token\"");
    assertThat(a.headers()).doesNotContainKey("access-control-allow-origin");
    assertThat(devLogin(Map.of("Origin", EVIL, "Content-Type", "application/json")).status()).isEqualTo(403);
    assertThat(devLogin(Map.of("Origin", "null", "Content-Type", "application/json")).status()).isEqualTo(403);
  }

  @Test
  void theServersOwnPagesAndAllowedOriginsUseTheDevLoginWithJson() throws IOException {
    Answer own = devLogin(Map.of("Origin", own(), "Content-Type", "application/json"));
    assertThat(own.status()).isEqualTo(200);
    assertThat(own.body()).contains("\"token\"");
    Answer byName = send("POST", "/api/v1/dev/login", Map.of("Host", "localhost:" + server.httpPort(),
        "Origin", "http://localhost:" + server.httpPort(), "Content-Type", "application/json"), "{\"userId\":\"bob\"}");
    assertThat(byName.status()).isEqualTo(200);

    Answer allowed = devLogin(Map.of("Origin", ALLOWED, "Content-Type", "application/json; charset=utf-8"));
    assertThat(allowed.status()).isEqualTo(200);
    assertThat(allowed.headers()).containsEntry("access-control-allow-origin", ALLOWED);
    assertThat(allowed.headers().get("vary")).containsIgnoringCase("origin");
  }

  @Test
  void aBrowsersDevLoginBodyMustBeJsonWhileCurlAndNativeClientsNeedNoContentType() throws IOException {
    Answer plain = devLogin(Map.of("Origin", own(), "Content-Type", "text/plain"));
    assertThat(plain.status()).isEqualTo(415);
    assertThat(plain.body()).contains("application/json");
    assertThat(devLogin(Map.of("Origin", ALLOWED, "Content-Type", "application/x-www-form-urlencoded")).status())
        .isEqualTo(415);
    assertThat(devLogin(Map.of("Sec-Fetch-Site", "same-origin", "Content-Type", "text/plain")).status()).isEqualTo(415);
    // curl -d sends application/x-www-form-urlencoded, and no Origin: not a page, so accepted.
    assertThat(devLogin(Map.of("Content-Type", "application/x-www-form-urlencoded")).status()).isEqualTo(200);
    assertThat(devLogin(Map.of()).status()).isEqualTo(200);
  }

  @Test
  void pagesServedFromThisMachineAreAllowedUnlessSwitchedOff() throws IOException {
    Answer local = devLogin(Map.of("Origin", "http://localhost:5500", "Content-Type", "application/json"));
    assertThat(local.status()).isEqualTo(200);
    assertThat(local.headers()).containsEntry("access-control-allow-origin", "http://localhost:5500");
    assertThat(devLogin(Map.of("Origin", "null", "Content-Type", "application/json")).status()).isEqualTo(403);

    TestKernel strict = TestKernel.builder(List::of).set("http.allow-local-origins", "false").start();
    try {
      Answer refused = sendTo(strict.httpPort(), "POST", "/api/v1/dev/login",
          Map.of("Origin", "http://localhost:5500", "Content-Type", "application/json"), "{\"userId\":\"bob\"}");
      assertThat(refused.status()).isEqualTo(403);
      // Its own pages still are.
      assertThat(sendTo(strict.httpPort(), "POST", "/api/v1/dev/login", Map.of("Origin", "http://127.0.0.1:"
          + strict.httpPort(), "Content-Type", "application/json"), "{\"userId\":\"bob\"}").status()).isEqualTo(200);
    } finally {
      strict.close();
    }
  }

  @Test
  void aPageWhoseNameWasReboundToThisMachineIsNotTheServersOwn() throws IOException {
    Answer a = send("POST", "/api/v1/dev/login", Map.of("Host", "rebound.example:" + server.httpPort(),
        "Origin", "http://rebound.example:" + server.httpPort(), "Content-Type", "application/json"),
        "{\"userId\":\"bob\"}");
    assertThat(a.status()).isEqualTo(403);
  }

  @Test
  void theAdminApiRefusesPagesOfOtherSitesEvenWithTheSecret() throws IOException {
    String bearer = "Bearer " + TestKernel.ADMIN_SECRET;
    assertThat(send("GET", "/api/v1/stats", Map.of("Authorization", bearer), null).status()).isEqualTo(200);
    Answer evil = send("GET", "/api/v1/stats", Map.of("Authorization", bearer, "Origin", EVIL), null);
    assertThat(evil.status()).isEqualTo(403);
    assertThat(evil.body()).contains("ORIGIN_NOT_ALLOWED");
    assertThat(send("GET", "/api/v1/stats", Map.of("Authorization", bearer, "Sec-Fetch-Site", "cross-site"), null)
        .status()).isEqualTo(403);
    assertThat(send("GET", "/api/v1/stats", Map.of("Authorization", bearer, "Origin", ALLOWED), null).status())
        .isEqualTo(200);
    Answer notJson = send("POST", "/api/v1/tokens", Map.of("Authorization", bearer, "Origin", own(),
        "Content-Type", "text/plain"), "{\"userId\":\"alice\"}");
    assertThat(notJson.status()).isEqualTo(415);
    assertThat(send("POST", "/api/v1/tokens", Map.of("Authorization", bearer, "Origin", own(),
        "Content-Type", "application/json"), "{\"userId\":\"alice\"}").status()).isEqualTo(200);
  }

  @Test
  void aPageOfAnotherSiteCannotPostAnywhereAndReadsNothing() throws IOException {
    int before = posts.get();
    assertThat(send("POST", "/things", Map.of("Origin", EVIL, "Content-Type", "text/plain"), "x").status())
        .isEqualTo(403);
    assertThat(posts.get()).isEqualTo(before);
    assertThat(send("POST", "/things", Map.of("Origin", ALLOWED), "x").status()).isEqualTo(200);
    assertThat(send("POST", "/things", Map.of(), "x").status()).isEqualTo(200);
    assertThat(posts.get()).isEqualTo(before + 2);

    Answer get = send("GET", "/page.txt", Map.of("Origin", EVIL), null);
    assertThat(get.status()).isEqualTo(200);
    assertThat(get.headers()).doesNotContainKey("access-control-allow-origin");
  }

  @Test
  void noAnswerCarriesAWildcard() throws IOException {
    for (Map<String, String> h : List.of(Map.<String, String>of(), Map.of("Origin", EVIL), Map.of("Origin", own()),
        Map.of("Origin", ALLOWED))) {
      for (String path : List.of("/page.txt", "/healthz", "/nope", "/api/v1/stats")) {
        Answer a = send("GET", path, h, null);
        assertThat(a.headers().get("access-control-allow-origin")).as(path + " " + h).isNotEqualTo("*");
      }
    }
  }

  @Test
  void preflightsAreAnsweredForAllowedOriginsOnly() throws IOException {
    Answer ok = send("OPTIONS", "/api/v1/dev/login", Map.of("Origin", ALLOWED, "Access-Control-Request-Method", "POST",
        "Access-Control-Request-Headers", "content-type"), null);
    assertThat(ok.status()).isEqualTo(204);
    assertThat(ok.headers()).containsEntry("access-control-allow-origin", ALLOWED);
    assertThat(ok.headers().get("access-control-allow-headers")).containsIgnoringCase("content-type");
    Answer evil = send("OPTIONS", "/api/v1/dev/login", Map.of("Origin", EVIL, "Access-Control-Request-Method", "POST"),
        null);
    assertThat(evil.status()).isEqualTo(403);
    assertThat(evil.headers()).doesNotContainKey("access-control-allow-origin");
  }

  private static Answer upgrade(Map<String, String> extra) throws IOException {
    Map<String, String> h = new LinkedHashMap<>(Map.of("Upgrade", "websocket", "Sec-WebSocket-Version", "13",
        "Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="));
    h.putAll(extra);
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.httpPort())) {
      s.setSoTimeout(10_000);
      StringBuilder req = new StringBuilder("GET /ws HTTP/1.1\r\nHost: 127.0.0.1:" + server.httpPort()
          + "\r\nConnection: Upgrade\r\n");
      h.forEach((k, v) -> req.append(k).append(": ").append(v).append("\r\n"));
      s.getOutputStream().write(req.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
      return read(s.getInputStream(), true);
    }
  }

  @Test
  void webSocketsFromPagesOfOtherSitesAreRefusedAndNativeClientsAreNot() throws IOException {
    assertThat(upgrade(Map.of()).status()).isEqualTo(101);
    assertThat(upgrade(Map.of("Origin", own())).status()).isEqualTo(101);
    assertThat(upgrade(Map.of("Origin", ALLOWED)).status()).isEqualTo(101);
    Answer evil = upgrade(Map.of("Origin", EVIL));
    assertThat(evil.status()).isEqualTo(403);
    assertThat(evil.body()).contains("ORIGIN_NOT_ALLOWED");
  }
}
