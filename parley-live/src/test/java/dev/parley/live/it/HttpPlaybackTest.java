package dev.parley.live.it;

import static dev.parley.live.it.LiveFixture.connect;
import static dev.parley.live.it.LiveFixture.sendFrames;
import static dev.parley.live.it.LiveFixture.sendHeaders;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.core.testing.HttpTestClient;
import dev.parley.core.testing.TestKernel;
import dev.parley.live.client.RtmpClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class HttpPlaybackTest {
  private static HttpResponse<byte[]> get(String url) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void httpFlvSendsHeaderMetadataSequenceHeadersThenTheGop() throws Exception {
    try (TestKernel k = LiveFixture.server().start(); RtmpClient pub = connect(k, "live")) {
      pub.publish("cam").get(5, TimeUnit.SECONDS);
      sendHeaders(pub);
      sendFrames(pub, 0, 0, 30, 25, 500);
      await().atMost(Duration.ofSeconds(5)).until(() -> new HttpTestClient(k.httpBase())
          .admin("GET", "/api/v1/streams", null).json().path("streams").size() == 1);
      try (FlvReader flv = new FlvReader(k.httpBase() + "/live/cam.flv")) {
        assertThat(flv.status).isEqualTo(200);
        assertThat(flv.headers.firstValue("content-type")).hasValue("video/x-flv");
        assertThat(flv.headers.firstValue("access-control-allow-origin")).hasValue("*");
        sendFrames(pub, 0, 30, 40, 25, 500);
        await().atMost(Duration.ofSeconds(5)).until(() -> flv.pictures().size() >= 15);
        assertThat(new String(flv.header, 0, 3)).isEqualTo("FLV");
        assertThat(flv.header[4]).isEqualTo((byte) 5); // audio and video
        assertThat(flv.tags.get(0).type()).isEqualTo(18);
        assertThat(flv.tags.get(1).body()).isEqualTo(FakeEncoder.avcConfig());
        assertThat(flv.tags.get(2).body()).isEqualTo(FakeEncoder.aacConfig());
        assertThat(flv.pictures().stream().map(t -> FakeEncoder.index(t.body())).toList())
            .startsWith(25, 26, 27).contains(39);
        JsonNode s = new HttpTestClient(k.httpBase()).admin("GET", "/api/v1/streams", null).json()
            .path("streams").get(0);
        assertThat(s.path("viewers").path("flv").asInt()).isEqualTo(1);
      }
      await().atMost(Duration.ofSeconds(5)).until(() -> new HttpTestClient(k.httpBase())
          .admin("GET", "/api/v1/streams", null).json().path("streams").get(0).path("viewers").path("flv").asInt() == 0);
    }
  }

  @Test
  void httpFlvEndsAfterTheGraceWhenThePublisherLeaves() throws Exception {
    try (TestKernel k = LiveFixture.server().set("live.publish.reconnect-grace", "200ms").start()) {
      RtmpClient pub = connect(k, "live");
      pub.publish("cam").get(5, TimeUnit.SECONDS);
      sendHeaders(pub);
      sendFrames(pub, 0, 0, 5, 25, 500);
      try (FlvReader flv = new FlvReader(k.httpBase() + "/live/cam.flv")) {
        await().atMost(Duration.ofSeconds(5)).until(() -> flv.pictures().size() == 5);
        pub.close();
        await().atMost(Duration.ofSeconds(5)).until(() -> flv.ended);
      }
    }
  }

  @Test
  void hlsPlaylistSlidesAndEndsAndSegmentsAreMpegTs() throws Exception {
    try (TestKernel k = LiveFixture.server().set("live.hls.window", "3").set("live.hls.segment-duration", "1s")
        .start()) {
      RtmpClient pub = connect(k, "live");
      pub.publish("cam").get(5, TimeUnit.SECONDS);
      sendHeaders(pub);
      sendFrames(pub, 0, 0, 250, 25, 2000); // 10 s of media, keyframes every second
      String base = k.httpBase() + "/live/cam";
      await().atMost(Duration.ofSeconds(10)).until(() -> {
        HttpResponse<byte[]> r = get(base + ".m3u8");
        return r.statusCode() == 200 && new String(r.body()).contains("#EXT-X-MEDIA-SEQUENCE:6");
      });
      HttpResponse<byte[]> pl = get(base + ".m3u8");
      String text = new String(pl.body());
      assertThat(pl.headers().firstValue("content-type")).hasValue("application/vnd.apple.mpegurl");
      assertThat(text).startsWith("#EXTM3U").contains("#EXT-X-TARGETDURATION:1").contains("cam-8.ts")
          .doesNotContain("cam-5.ts").doesNotContain("#EXT-X-ENDLIST");
      assertThat(text.lines().filter(l -> l.startsWith("#EXTINF:1.000")).count()).isEqualTo(3);
      HttpResponse<byte[]> seg = get(k.httpBase() + "/live/cam-8.ts");
      assertThat(seg.statusCode()).isEqualTo(200);
      TsCheck.assertValid(seg.body());
      assertThat(get(k.httpBase() + "/live/cam-2.ts").statusCode()).isEqualTo(404);
      Path dir = k.dataDir().resolve("hls").resolve("live");
      assertThat(Files.exists(dir.resolve("cam-8.ts"))).isTrue();
      assertThat(Files.exists(dir.resolve("cam-2.ts"))).isFalse(); // slid out of the window: deleted
      pub.close();
      await().atMost(Duration.ofSeconds(5)).until(() -> new String(get(base + ".m3u8").body()).contains("#EXT-X-ENDLIST"));
    }
  }

  @Test
  void statsApiShowsCodecsResolutionPublisherAndViewersPerProtocol() throws Exception {
    try (TestKernel k = LiveFixture.server().start(); RtmpClient pub = connect(k, "live")) {
      pub.publish("cam").get(5, TimeUnit.SECONDS);
      sendHeaders(pub);
      try (RtmpClient player = connect(k, "live")) {
        player.play("cam").get(5, TimeUnit.SECONDS);
        sendFrames(pub, 0, 0, 10, 25, 500);
        HttpTestClient http = new HttpTestClient(k.httpBase());
        assertThat(http.get("/api/v1/streams", null).status()).isEqualTo(401);
        await().atMost(Duration.ofSeconds(5)).until(() -> http.admin("GET", "/api/v1/streams", null).json()
            .path("streams").path(0).path("viewers").path("rtmp").asInt() == 1);
        JsonNode s = http.admin("GET", "/api/v1/streams", null).json().path("streams").get(0);
        assertThat(s.path("app").asText()).isEqualTo("live");
        assertThat(s.path("name").asText()).isEqualTo("cam");
        assertThat(s.path("video").path("codec").asText()).isEqualTo("h264");
        assertThat(s.path("video").path("width").asInt()).isEqualTo(640);
        assertThat(s.path("video").path("height").asInt()).isEqualTo(360);
        assertThat(s.path("video").path("frameRate").asDouble()).isEqualTo(25.0); // from metadata until measured
        assertThat(s.path("audio").path("codec").asText()).isEqualTo("aac");
        assertThat(s.path("audio").path("sampleRate").asInt()).isEqualTo(44100);
        assertThat(s.path("publisher").path("address").asText()).startsWith("127.0.0.1:");
        assertThat(s.path("viewers").path("flv").asInt()).isZero();
        assertThat(s.has("bitrateKbps")).isTrue();
        String metrics = http.get("/metrics", null).body();
        assertThat(metrics).contains("parley_live_streams 1.0").containsPattern("parley_live_viewers\\{protocol=\"rtmp\"} 1.0")
            .contains("parley_live_frames_in_total");
        JsonNode pub2 = http.get("/live/streams.json", null).json();
        assertThat(pub2.path("streams").get(0).has("publisher")).isFalse(); // the public list hides addresses
      }
    }
  }

  @Test
  void playerPageAndItsScriptsAreServed() throws Exception {
    try (TestKernel k = LiveFixture.server().start()) {
      HttpResponse<byte[]> page = get(k.httpBase() + "/live");
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(new String(page.body())).contains("/assets/live/mpegts.js").contains("/assets/live/hls.min.js");
      for (String js : new String[] {"mpegts.js", "hls.min.js"}) {
        HttpResponse<byte[]> r = get(k.httpBase() + "/assets/live/" + js);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body().length).isGreaterThan(100_000);
      }
      assertThat(get(k.httpBase() + "/assets/live/nothing.js").statusCode()).isEqualTo(404);
    }
  }
}
