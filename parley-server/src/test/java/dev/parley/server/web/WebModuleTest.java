package dev.parley.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.core.spi.ParleyModule;
import dev.parley.core.spi.ServerContext;
import dev.parley.core.testing.HttpTestClient;
import dev.parley.core.testing.TestKernel;
import dev.parley.im.ImModule;
import dev.parley.protocol.Ids;
import dev.parley.server.Modules;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WebModuleTest {
  private static TestKernel server;
  private static HttpTestClient http;
  private static final HttpClient client = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    // IM and the web module, with stand-ins for live's routes (the real live module would hold an
    // HTTP-FLV request for a stream that is not publishing open, waiting for it).
    server = TestKernel.builder(() -> List.of(new ImModule(), new WebModule(), new LiveRoutes())).start();
    http = new HttpTestClient(server.httpBase());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void servesTheChatPageAtTheRoot() {
    HttpTestClient.Response r = http.get("/", null);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.raw().headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
    assertThat(r.raw().headers().firstValue("cache-control")).hasValue("no-cache");
    assertThat(r.raw().headers().firstValue("etag")).isPresent();
    assertThat(r.raw().headers().firstValue("content-security-policy")).get().asString().contains("default-src 'self'");
    assertThat(r.raw().headers().firstValue("x-content-type-options")).hasValue("nosniff");
    assertThat(r.body()).contains("<script type=\"module\"");
    assertThat(http.get("/index.html", null).body()).isEqualTo(r.body());
  }

  @Test
  void servesTheSdkAsJavaScript() {
    HttpTestClient.Response r = http.get("/js/parley.js", null);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.raw().headers().firstValue("content-type")).hasValue("text/javascript; charset=utf-8");
    assertThat(r.body()).contains("export class ParleyClient");
    assertThat(http.get("/css/chat.css", null).raw().headers().firstValue("content-type")).hasValue("text/css; charset=utf-8");
    assertThat(http.get("/chat/app.js", null).status()).isEqualTo(200);
  }

  @Test
  void servesTheCallAndRoomPagesAndTheCallsModule() {
    assertThat(http.get("/call", null).body()).contains("src=\"/rtc/call.js\"");
    assertThat(http.get("/room", null).body()).contains("src=\"/rtc/room.js\"");
    for (String js : List.of("/rtc/call.js", "/rtc/room.js", "/rtc/common.js")) {
      assertThat(http.get(js, null).status()).as(js).isEqualTo(200);
    }
    assertThat(http.get("/js/parley-call.js", null).body()).contains("export class ParleyCall");
    assertThat(http.get("/css/rtc.css", null).status()).isEqualTo(200);
  }

  @Test
  void servesTheSharedLookTheIconAndTheSharedScript() {
    HttpTestClient.Response css = http.get("/css/parley.css", null);
    assertThat(css.status()).isEqualTo(200);
    assertThat(css.body()).contains(".site-nav");
    HttpTestClient.Response icon = http.get("/favicon.svg", null);
    assertThat(icon.status()).isEqualTo(200);
    assertThat(icon.raw().headers().firstValue("content-type")).hasValue("image/svg+xml");
    assertThat(icon.body()).startsWith("<svg");
    assertThat(http.get("/js/site.js", null).body()).contains("export function checkUserIdInputs");
    // Every page links them and the other pages.
    for (String page : List.of("/", "/call", "/room")) {
      String html = http.get(page, null).body();
      assertThat(html).as(page).contains("href=\"/favicon.svg\"", "href=\"/css/parley.css\"", "<nav class=\"site-nav\"",
          "href=\"/call\"", "href=\"/room\"", "href=\"/live\"");
      // No pattern attribute: the browser's generic message would stand in for the rule's.
      assertThat(html).as(page).doesNotContain("pattern=").contains("data-user-id");
    }
  }

  /** The pages check user ids with the server's rule, so what they accept the server accepts. */
  @Test
  void thePagesUserIdRuleIsTheServers() throws IOException {
    String js;
    try (InputStream in = WebModule.class.getClassLoader().getResourceAsStream(WebModule.ROOT + "js/site.js")) {
      js = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    Matcher m = Pattern.compile("export const USER_ID = /(.+)/;").matcher(js);
    assertThat(m.find()).isTrue();
    Pattern pageRule = Pattern.compile(m.group(1));
    List<String> samples = new ArrayList<>(List.of("alice", "a", "A.b_c@d-e", "0", "x".repeat(64),
        "x".repeat(65), "", "bad id", "bad!", "é", "a/b", "a:b", "a+b", "a#b", "a,b", "a b", " a", "a\n", "~a", "-", "@", "."));
    for (char ch = 32; ch < 127; ch++) {
      samples.add("a" + ch);
    }
    for (String s : samples) {
      assertThat(pageRule.matcher(s).matches()).as("'%s'", s).isEqualTo(Ids.isValidUser(s));
    }
  }

  @Test
  void answersNotModifiedToAMatchingEtag() throws Exception {
    String etag = http.get("/js/parley.js", null).raw().headers().firstValue("etag").orElseThrow();
    HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(server.httpBase() + "/js/parley.js"))
        .header("If-None-Match", etag).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(304);
    assertThat(r.body()).isEmpty();
    assertThat(r.headers().firstValue("etag")).hasValue(etag);
    HttpResponse<String> stale = client.send(HttpRequest.newBuilder(URI.create(server.httpBase() + "/js/parley.js"))
        .header("If-None-Match", "\"other\"").build(), HttpResponse.BodyHandlers.ofString());
    assertThat(stale.statusCode()).isEqualTo(200);
  }

  @Test
  void answersHeadWithoutBody() throws Exception {
    HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(server.httpBase() + "/js/parley.js"))
        .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "/js/../index.html",
      "/js/%2e%2e/index.html",
      "/js/..%2findex.html",
      "/js/%2e%2e/%2e%2e/dev/parley/server/web/WebModule.class",
      "/css/../../META-INF/MANIFEST.MF",
      "/chat/.hidden.js",
      "/js/.",
      "/js/",
      "/js/parley.js%00.html",
      "/js/..\\index.html",
      "/js/nothing-here.js",
      "/js/parley.class",
      "/js/parley",
      "/chat/app.js/x.js",
      "/index.htm",
      "/favicon.js",
  })
  void refusesEverythingButItsOwnFiles(String path) throws IOException {
    assertThat(rawStatus(path)).isEqualTo(404);
  }

  @Test
  void leavesTheOtherModulesPathsAlone() throws Exception {
    assertThat(http.get("/healthz", null).status()).isEqualTo(200);
    assertThat(http.get("/metrics", null).status()).isEqualTo(200);
    HttpTestClient.Response login = http.post("/api/v1/dev/login", null, "{\"userId\":\"alice\"}");
    assertThat(login.status()).isEqualTo(200);
    assertThat(http.get("/api/v1/nothing", null).json().path("code").asText()).isEqualTo("NOT_FOUND");
    LinkedBlockingQueue<String> got = new LinkedBlockingQueue<>();
    WebSocket ws = client.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + server.httpPort() + "/im"),
        new WebSocket.Listener() {
          @Override
          public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
            got.add(data.toString());
            w.request(1);
            return null;
          }
        }).get(5, TimeUnit.SECONDS);
    String token = login.json().path("token").asText();
    ws.sendText("{\"req\":1,\"login\":{\"protocolVersion\":1,\"token\":\"" + token + "\",\"deviceId\":\"d\"}}", true);
    assertThat(got.poll(10, TimeUnit.SECONDS)).contains("\"loginOk\"");
    ws.abort();
  }

  @Test
  void leavesLiveStreamsOfAppsNamedLikeItsFoldersAlone() {
    for (String path : List.of("/chat/room.flv", "/js/stream.m3u8", "/css/x.flv", "/index/x.flv")) {
      HttpTestClient.Response r = http.get(path, null);
      assertThat(r.status()).as(path).isEqualTo(200);
      assertThat(r.body()).as(path).isEqualTo("live " + path);
    }
  }

  @Test
  void canBeSwitchedOff() {
    try (TestKernel off = TestKernel.builder(Modules::discover).set("web.enabled", "false").start()) {
      HttpTestClient h = new HttpTestClient(off.httpBase());
      assertThat(h.get("/", null).status()).isEqualTo(404);
      assertThat(h.get("/js/parley.js", null).status()).isEqualTo(404);
      assertThat(h.get("/healthz", null).status()).isEqualTo(200);
    }
  }

  @Test
  void checksPathsSegmentBySegment() {
    assertThat(StaticResources.isSafe("js/parley.js")).isTrue();
    assertThat(StaticResources.isSafe("js/a-b_c.1.js")).isTrue();
    assertThat(StaticResources.isSafe("js/../x.js")).isFalse();
    assertThat(StaticResources.isSafe("js//x.js")).isFalse();
    assertThat(StaticResources.isSafe("/x.js")).isFalse();
    assertThat(StaticResources.isSafe("js/x y.js")).isFalse();
    assertThat(StaticResources.isSafe("a/b/c/d/e/f/g/h/i.js")).isFalse();
    assertThat(StaticResources.contentType("js/x.JS")).isEqualTo("text/javascript; charset=utf-8");
    assertThat(StaticResources.contentType("js/x")).isNull();
    assertThat(StaticResources.contentType("js/.js")).isNull();
  }

  /** Stands in for the live module's routes, which must win over the web pages' for streams. */
  private static final class LiveRoutes implements ParleyModule {
    @Override
    public String name() {
      return "live-routes";
    }

    @Override
    public void start(ServerContext ctx) {
      for (String ext : List.of("flv", "m3u8")) {
        ctx.http().get("/{app}/{stream}." + ext, ex -> ex.respondText(HttpResponseStatus.OK, "text/plain", "live " + ex.path()));
      }
    }
  }

  /** The status of a request sent byte for byte, so no client library normalises the path first. */
  private static int rawStatus(String path) throws IOException {
    try (Socket s = new Socket("127.0.0.1", server.httpPort())) {
      s.setSoTimeout((int) Duration.ofSeconds(10).toMillis());
      OutputStream out = s.getOutputStream();
      out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = s.getInputStream();
      String head = new String(in.readNBytes(12), StandardCharsets.ISO_8859_1);
      return Integer.parseInt(head.substring(9, 12));
    }
  }
}
