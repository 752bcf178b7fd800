package dev.parley.core.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.core.auth.VerifiedToken;
import dev.parley.core.http.WebSocketEndpoint;
import dev.parley.core.spi.ParleyModule;
import dev.parley.core.spi.ServerContext;
import dev.parley.core.testing.HttpTestClient;
import dev.parley.core.testing.TestKernel;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class KernelHttpTest {
  static TestKernel server;
  static HttpTestClient http;

  /** A module with one route and a WebSocket echo endpoint. */
  static final class EchoModule implements ParleyModule {
    @Override
    public String name() {
      return "echo";
    }

    @Override
    public void start(ServerContext ctx) {
      ctx.http().get("/echo/{word}.txt", ex -> ex.respondText(HttpResponseStatus.OK, "text/plain",
          ex.pathParam("word") + ":" + ex.query("n")));
      ctx.http().get("/boom", ex -> {
        throw new IllegalStateException("bug");
      });
      ctx.http().webSocket("/echo-ws", new WebSocketEndpoint() {
        @Override
        public int maxMessageBytes() {
          return 1024;
        }

        @Override
        public void configure(Channel channel, FullHttpRequest handshake, String subprotocol) {
          String who = new QueryStringDecoder(handshake.uri()).parameters().get("who").get(0);
          channel.pipeline().addLast(new SimpleChannelInboundHandler<TextWebSocketFrame>() {
            @Override
            protected void channelRead0(ChannelHandlerContext c, TextWebSocketFrame f) {
              c.writeAndFlush(new TextWebSocketFrame(who + ":" + f.text()));
            }
          });
        }
      });
    }
  }

  @BeforeAll
  static void start() {
    server = TestKernel.builder(() -> List.of(new EchoModule())).start();
    http = new HttpTestClient(server.httpBase());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void healthAndMetricsAnswer() {
    assertThat(http.get("/healthz", null).json().get("status").asText()).isEqualTo("ok");
    HttpTestClient.Response metrics = http.get("/metrics", null);
    assertThat(metrics.status()).isEqualTo(200);
    assertThat(metrics.body()).contains("parley_store_queue_depth").contains("jvm_memory_used_bytes");
  }

  @Test
  void routesGetPathAndQueryParameters() {
    HttpTestClient.Response r = http.get("/echo/hello.txt?n=3", null);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("hello:3");
    // No page of another site may read it: no wildcard CORS.
    assertThat(r.raw().headers().firstValue("access-control-allow-origin")).isEmpty();
  }

  @Test
  void unknownPathsAndHandlerBugsAnswerJsonErrors() {
    HttpTestClient.Response missing = http.get("/nope", null);
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.json().get("code").asText()).isEqualTo("NOT_FOUND");
    HttpTestClient.Response bug = http.get("/boom", null);
    assertThat(bug.status()).isEqualTo(500);
    assertThat(bug.json().get("code").asText()).isEqualTo("INTERNAL");
    assertThat(http.get("/api/v1/tokens", null).status()).isEqualTo(405);
  }

  @Test
  void tokensNeedTheAdminSecret() throws Exception {
    HttpTestClient.Response none = http.post("/api/v1/tokens", null, "{\"userId\":\"alice\"}");
    assertThat(none.status()).isEqualTo(401);
    assertThat(none.json().get("code").asText()).isEqualTo("UNAUTHORIZED");
    assertThat(http.post("/api/v1/tokens", "wrong", "{\"userId\":\"alice\"}").status()).isEqualTo(401);

    HttpTestClient.Response ok = http.admin("POST", "/api/v1/tokens", "{\"userId\":\"alice\",\"ttlSeconds\":3600}");
    assertThat(ok.status()).isEqualTo(200);
    VerifiedToken t = server.kernel().context().tokens().verify(ok.json().get("token").asText());
    assertThat(t.userId()).isEqualTo("alice");
    assertThat(Duration.between(java.time.Instant.now(), t.expiresAt()).toMinutes()).isBetween(58L, 60L);
  }

  @Test
  void badTokenRequestsAreRefused() {
    assertThat(http.admin("POST", "/api/v1/tokens", "{\"userId\":\"a:b\"}").json().get("code").asText())
        .isEqualTo("BAD_REQUEST");
    assertThat(http.admin("POST", "/api/v1/tokens", "{\"userId\":\"alice\",\"ttlSeconds\":0}").status())
        .isEqualTo(400);
    assertThat(http.admin("POST", "/api/v1/tokens", "not json").status()).isEqualTo(400);
  }

  @Test
  void devLoginWorksFromLoopback() throws Exception {
    HttpTestClient.Response r = http.post("/api/v1/dev/login", null, "{\"userId\":\"bob\"}");
    assertThat(r.status()).isEqualTo(200);
    assertThat(server.kernel().context().tokens().verify(r.json().get("token").asText()).userId()).isEqualTo("bob");
  }

  @Test
  void statsNeedTheSecretAndDescribeTheServer() {
    assertThat(http.get("/api/v1/stats", null).status()).isEqualTo(401);
    HttpTestClient.Response r = http.admin("GET", "/api/v1/stats", null);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().at("/server/ioThreads").asInt()).isEqualTo(2);
  }

  @Test
  void oversizeBodyIsRefused() {
    HttpTestClient.Response r = http.post("/api/v1/dev/login", null, "{\"userId\":\"" + "x".repeat(2 << 20) + "\"}");
    assertThat(r.status()).isEqualTo(413);
  }

  @Test
  void webSocketEndpointGetsTheHandshakeAndMessages() throws Exception {
    List<String> got = new CopyOnWriteArrayList<>();
    WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
        .buildAsync(URI.create("ws://127.0.0.1:" + server.httpPort() + "/echo-ws?who=carol"), new WebSocket.Listener() {
          @Override
          public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            got.add(data.toString());
            webSocket.request(1);
            return null;
          }
        }).get(5, TimeUnit.SECONDS);
    ws.sendText("hi", true).get(5, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(5)).until(() -> got.contains("carol:hi"));
    ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
  }

  @Test
  void oversizeWebSocketMessageClosesWith1009() throws Exception {
    CompletableFuture<Integer> closed = new CompletableFuture<>();
    WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
        .buildAsync(URI.create("ws://127.0.0.1:" + server.httpPort() + "/echo-ws?who=x"), new WebSocket.Listener() {
          @Override
          public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
          }
        }).get(5, TimeUnit.SECONDS);
    ws.sendText("y".repeat(5000), true);
    assertThat(closed.get(5, TimeUnit.SECONDS)).isEqualTo(1009);
  }

  @Test
  void healthTurnsDrainingDuringShutdown() {
    TestKernel other = TestKernel.builder(List::of).start();
    try {
      assertThat(other.kernel().context().draining()).isFalse();
    } finally {
      other.close();
    }
    assertThat(other.kernel().context().draining()).isTrue();
  }
}
