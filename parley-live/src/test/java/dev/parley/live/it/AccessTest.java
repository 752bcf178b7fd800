package dev.parley.live.it;

import static dev.parley.live.it.LiveFixture.connect;
import static dev.parley.live.it.LiveFixture.sendFrames;
import static dev.parley.live.it.LiveFixture.sendHeaders;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.parley.core.testing.HttpTestClient;
import dev.parley.core.testing.TestKernel;
import dev.parley.live.testing.RtmpClient;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class AccessTest {
  /** Loopback counts as "elsewhere" in these tests. */
  private static TestKernel.Builder closed() {
    return LiveFixture.server().set("live.auth.loopback-open", "false");
  }

  private static int status(String url) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  @Test
  void withoutKeyOrTokenPublishAndPlayAreRefused() throws Exception {
    try (TestKernel k = closed().start(); RtmpClient c = connect(k, "live")) {
      assertThatThrownBy(() -> c.publish("cam").get(5, TimeUnit.SECONDS)).hasMessageContaining("Unauthorized");
      try (RtmpClient p = connect(k, "live")) {
        assertThatThrownBy(() -> p.play("cam").get(5, TimeUnit.SECONDS)).hasMessageContaining("NetStream.Play.Failed");
      }
      assertThat(status(k.httpBase() + "/live/cam.flv")).isEqualTo(403);
      assertThat(status(k.httpBase() + "/live/cam.m3u8")).isEqualTo(403);
    }
  }

  @Test
  void streamKeysFromConfigAllowTheirStreamOnly() throws Exception {
    try (TestKernel k = closed().set("live.auth.publish-keys", "live/cam=s3cret,tv/*=tvkey").start()) {
      try (RtmpClient c = connect(k, "live")) {
        c.publish("cam?key=s3cret").get(5, TimeUnit.SECONDS);
      }
      try (RtmpClient c = connect(k, "live")) {
        assertThatThrownBy(() -> c.publish("cam2?key=s3cret").get(5, TimeUnit.SECONDS)).hasMessageContaining("Unauthorized");
      }
      try (RtmpClient c = connect(k, "live")) {
        assertThatThrownBy(() -> c.publish("cam?key=wrong").get(5, TimeUnit.SECONDS)).hasMessageContaining("Unauthorized");
      }
      try (RtmpClient c = connect(k, "tv")) {
        c.publish("any?key=tvkey").get(5, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void tokensWithPublishAndPlayClaimsAreHonouredAndExpire() throws Exception {
    try (TestKernel k = closed().start()) {
      HttpTestClient http = new HttpTestClient(k.httpBase());
      String pubToken = http.admin("POST", "/api/v1/live/tokens", "{\"publish\":\"live/cam\",\"ttlSeconds\":60}")
          .json().path("token").asText();
      String playToken = http.admin("POST", "/api/v1/live/tokens", "{\"play\":[\"live/*\"]}").json().path("token").asText();
      assertThat(http.post("/api/v1/live/tokens", null, "{\"play\":\"*\"}").status()).isEqualTo(401);
      try (RtmpClient pub = connect(k, "live")) {
        pub.publish("cam?token=" + pubToken).get(5, TimeUnit.SECONDS);
        sendHeaders(pub);
        sendFrames(pub, 0, 0, 5, 25, 300);
        try (RtmpClient p = connect(k, "live")) {
          assertThatThrownBy(() -> p.play("cam?token=" + pubToken).get(5, TimeUnit.SECONDS))
              .hasMessageContaining("Play.Failed"); // a publish token does not let you play
        }
        try (RtmpClient p = connect(k, "live")) {
          p.play("cam?token=" + playToken).get(5, TimeUnit.SECONDS);
        }
        try (FlvReader flv = new FlvReader(k.httpBase() + "/live/cam.flv?token=" + playToken)) {
          assertThat(flv.status).isEqualTo(200);
        }
        String expired = k.kernel().context().tokens().mint("u", Duration.ofSeconds(-120),
            java.util.Map.of("play", "*"));
        assertThat(status(k.httpBase() + "/live/cam.flv?token=" + expired)).isEqualTo(403);
      }
    }
  }

  @Test
  void hlsCarriesTheTokenIntoSegmentUris() throws Exception {
    try (TestKernel k = closed().set("live.auth.publish-open", "true").set("live.hls.segment-duration", "1s").start();
        RtmpClient pub = connect(k, "live")) {
      String token = k.kernel().context().tokens().mint("viewer", Duration.ofMinutes(5), java.util.Map.of("play", "live/cam"));
      pub.publish("cam").get(5, TimeUnit.SECONDS);
      sendHeaders(pub);
      sendFrames(pub, 0, 0, 100, 25, 500);
      HttpClient hc = HttpClient.newHttpClient();
      await().atMost(Duration.ofSeconds(5)).until(() -> status(k.httpBase() + "/live/cam.m3u8?token=" + token) == 200);
      String pl = hc.send(HttpRequest.newBuilder(URI.create(k.httpBase() + "/live/cam.m3u8?token=" + token)).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      String seg = pl.lines().filter(l -> l.endsWith("token=" + token)).findFirst().orElseThrow();
      assertThat(status(k.httpBase() + "/live/" + seg)).isEqualTo(200);
      assertThat(status(k.httpBase() + "/live/" + seg.substring(0, seg.indexOf('?')))).isEqualTo(403);
    }
  }

  /** A callback server on its own threads; requests to {@code /slow} wait until {@code release} opens. */
  private static HttpServer hooks(List<String> calls, AtomicInteger answer, AtomicReference<CountDownLatch> release)
      throws java.io.IOException {
    HttpServer hooks = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    hooks.setExecutor(Executors.newCachedThreadPool());
    hooks.createContext("/", ex -> {
      calls.add(ex.getRequestURI().getPath() + " " + new String(ex.getRequestBody().readAllBytes()));
      if (ex.getRequestURI().getPath().equals("/slow")) {
        try {
          release.get().await(30, TimeUnit.SECONDS); // a callback server that hangs until the test lets it go
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      ex.sendResponseHeaders(answer.get(), -1);
      ex.close();
    });
    hooks.start();
    return hooks;
  }

  @Test
  void callbacksDecideInTimeAndAreToldWhenAStreamEnds() throws Exception {
    List<String> calls = new CopyOnWriteArrayList<>();
    AtomicInteger answer = new AtomicInteger(200);
    AtomicReference<CountDownLatch> release = new AtomicReference<>(new CountDownLatch(1));
    HttpServer hooks = hooks(calls, answer, release);
    String base = "http://127.0.0.1:" + hooks.getAddress().getPort();
    try (TestKernel k = LiveFixture.server().set("live.hooks.on-publish", base + "/publish")
        .set("live.hooks.on-play", base + "/slow").set("live.hooks.on-done", base + "/done")
        .set("live.hooks.timeout", "500ms").start()) {
      answer.set(403);
      try (RtmpClient c = connect(k, "live")) {
        assertThatThrownBy(() -> c.publish("cam").get(5, TimeUnit.SECONDS)).hasMessageContaining("callback answered 403");
      }
      answer.set(204);
      try (RtmpClient c = connect(k, "live")) {
        c.publish("cam?extra=1").get(5, TimeUnit.SECONDS);
        try (RtmpClient p = connect(k, "live")) {
          // An answer just inside the timeout allows.
          var play = p.play("cam");
          await().atMost(Duration.ofSeconds(5)).until(() -> calls.stream().filter(s -> s.startsWith("/slow")).count() == 1);
          LiveFixture.time(k).advance(Duration.ofMillis(499));
          release.getAndSet(new CountDownLatch(1)).countDown();
          play.get(5, TimeUnit.SECONDS);
        }
        try (RtmpClient p = connect(k, "live")) {
          // No answer within it refuses.
          var play = p.play("cam");
          await().atMost(Duration.ofSeconds(5)).until(() -> calls.stream().filter(s -> s.startsWith("/slow")).count() == 2);
          LiveFixture.time(k).advance(Duration.ofMillis(500));
          assertThatThrownBy(() -> play.get(5, TimeUnit.SECONDS)).hasMessageContaining("Play.Failed")
              .hasMessageContaining("did not answer within 500 ms");
        }
      }
      await().atMost(Duration.ofSeconds(5)).until(() -> calls.stream().anyMatch(s -> s.contains("on_publish_done")));
      assertThat(calls.get(1)).startsWith("/publish").contains("\"action\":\"on_publish\"").contains("\"app\":\"live\"")
          .contains("\"stream\":\"cam\"").contains("\"extra\":\"1\"").contains("\"ip\":\"127.0.0.1\"");
      assertThat(calls.stream().filter(s -> s.startsWith("/done")).toList()).anyMatch(s -> s.contains("on_play_done"));
    } finally {
      release.get().countDown();
      hooks.stop(0);
    }
  }

  @Test
  void moreCallbacksInFlightThanBlockingThreadsAreAllAnswered() throws Exception {
    int players = 6; // three times the blocking pool
    CountDownLatch all = new CountDownLatch(players);
    HttpServer hooks = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    hooks.setExecutor(Executors.newCachedThreadPool());
    hooks.createContext("/", ex -> {
      ex.getRequestBody().readAllBytes();
      all.countDown();
      boolean together;
      try {
        together = all.await(20, TimeUnit.SECONDS); // answers only once every callback is in flight at once
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        together = false;
      }
      ex.sendResponseHeaders(together ? 204 : 503, -1);
      ex.close();
    });
    hooks.start();
    List<RtmpClient> clients = new java.util.ArrayList<>();
    try (TestKernel k = LiveFixture.server().set("server.blocking-threads", "2")
        .set("live.hooks.on-play", "http://127.0.0.1:" + hooks.getAddress().getPort() + "/play").start();
        RtmpClient pub = connect(k, "live")) {
      pub.publish("cam").get(5, TimeUnit.SECONDS);
      List<java.util.concurrent.CompletableFuture<Void>> plays = new java.util.ArrayList<>();
      for (int i = 0; i < players; i++) {
        RtmpClient p = connect(k, "live");
        clients.add(p);
        plays.add(p.play("cam"));
      }
      for (var play : plays) {
        play.get(30, TimeUnit.SECONDS);
      }
      assertThat(all.getCount()).isZero();
    } finally {
      clients.forEach(RtmpClient::close);
      hooks.stop(0);
    }
  }

  @Test
  void namesThatAreAPathStepAreRefused() throws Exception {
    try (TestKernel k = LiveFixture.server().set("live.record.enabled", "true").start()) {
      for (String app : new String[] {"..", "."}) {
        assertThatThrownBy(() -> connect(k, app)).hasMessageContaining("NetConnection.Connect.Rejected");
      }
      for (String stream : new String[] {"..", "."}) {
        try (RtmpClient c = connect(k, "live")) {
          assertThatThrownBy(() -> c.publish(stream).get(5, TimeUnit.SECONDS)).hasMessageContaining("BadName");
        }
        try (RtmpClient c = connect(k, "live")) {
          assertThatThrownBy(() -> c.play(stream).get(5, TimeUnit.SECONDS)).hasMessageContaining("StreamNotFound");
        }
      }
      assertThat(status(k.httpBase() + "/live/...m3u8")).isEqualTo(404); // the stream ".." over HLS
      assertThat(status(k.httpBase() + "/live/..-0.ts")).isEqualTo(404);
      assertThat(status(k.httpBase() + "/live/..flv")).isEqualTo(404);
      try (RtmpClient c = connect(k, "live")) { // "..." is an ordinary name, inside the directory
        c.publish("...").get(5, TimeUnit.SECONDS);
      }
      try (Stream<Path> files = Files.list(k.dataDir())) {
        assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".ts") || n.endsWith(".flv"));
      }
    }
  }

  @Test
  void recordingWritesAnFlvFilePerPublish() throws Exception {
    try (TestKernel k = LiveFixture.server().set("live.record.enabled", "true").start()) {
      try (RtmpClient pub = connect(k, "live")) {
        pub.publish("rec").get(5, TimeUnit.SECONDS);
        sendHeaders(pub);
        sendFrames(pub, 0, 0, 20, 25, 300);
      }
      Path dir = k.dataDir().resolve("recordings").resolve("live");
      await().atMost(Duration.ofSeconds(5)).until(() -> {
        try (Stream<Path> files = Files.exists(dir) ? Files.list(dir) : Stream.empty()) {
          return files.anyMatch(p -> p.getFileName().toString().startsWith("rec-") && size(p) > 20 * 300);
        }
      });
      try (Stream<Path> files = Files.list(dir)) {
        byte[] flv = Files.readAllBytes(files.findFirst().orElseThrow());
        assertThat(new String(flv, 0, 3)).isEqualTo("FLV");
        assertThat(flv[13]).isEqualTo((byte) 18); // the first tag: metadata
      }
    }
  }

  private static long size(Path p) {
    try {
      return Files.size(p);
    } catch (java.io.IOException e) {
      return 0;
    }
  }
}
