package dev.parley.live.it;

import static dev.parley.live.it.LiveFixture.connect;
import static dev.parley.live.it.LiveFixture.sendFrames;
import static dev.parley.live.it.LiveFixture.sendHeaders;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.core.testing.HttpTestClient;
import dev.parley.core.testing.TestKernel;
import dev.parley.live.testing.RtmpClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import dev.parley.live.rtmp.chunk.MessageType;
import java.time.Duration;
import java.util.List;
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
        assertThat(flv.headers.firstValue("access-control-allow-origin")).isEmpty();
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
  void httpFlvNamesOnlyAnAllowedOriginForBrowserPages() throws Exception {
    try (TestKernel k = LiveFixture.server().set("http.allowed-origins", "https://player.example").start();
        RtmpClient pub = connect(k, "live")) {
      pub.publish("cors").get(5, TimeUnit.SECONDS);
      sendHeaders(pub);
      sendFrames(pub, 0, 0, 5, 25, 500);
      await().atMost(Duration.ofSeconds(5)).until(() -> new HttpTestClient(k.httpBase())
          .admin("GET", "/api/v1/streams", null).json().path("streams").size() == 1);
      try (FlvReader allowed = new FlvReader(k.httpBase() + "/live/cors.flv", "https://player.example");
          FlvReader other = new FlvReader(k.httpBase() + "/live/cors.flv", "https://evil.example")) {
        assertThat(allowed.headers.firstValue("access-control-allow-origin")).hasValue("https://player.example");
        assertThat(other.headers.firstValue("access-control-allow-origin")).isEmpty();
      }
    }
  }

  @Test
  void httpFlvGoesOnThroughAReconnectWithinTheGraceAndEndsAfterIt() throws Exception {
    try (TestKernel k = LiveFixture.server().set("live.publish.reconnect-grace", "10s").start()) {
      RtmpClient pub = connect(k, "live");
      pub.publish("cam").get(5, TimeUnit.SECONDS);
      sendHeaders(pub);
      sendFrames(pub, 0, 0, 5, 25, 500);
      try (FlvReader flv = new FlvReader(k.httpBase() + "/live/cam.flv")) {
        await().atMost(Duration.ofSeconds(5)).until(() -> flv.pictures().size() == 5);
        pub.close();
        RtmpServerTest.awaitUnpublished(k, "live/cam");
        LiveFixture.time(k).advance(Duration.ofMillis(9999));
        try (RtmpClient again = connect(k, "live")) {
          again.publish("cam").get(5, TimeUnit.SECONDS);
          sendHeaders(again);
          sendFrames(again, 0, 0, 5, 25, 500);
          await().atMost(Duration.ofSeconds(5)).until(() -> flv.pictures().size() == 10); // the same response
          assertThat(flv.ended).isFalse();
        }
        RtmpServerTest.awaitUnpublished(k, "live/cam");
        LiveFixture.time(k).advance(Duration.ofSeconds(10));
        await().atMost(Duration.ofSeconds(5)).until(() -> flv.ended);
      }
    }
  }

  @Test
  void hlsPlaylistSlidesAndEndsAndSegmentsAreMpegTs() throws Exception {
    try (TestKernel k = LiveFixture.server().set("live.hls.window", "3").set("live.hls.segment-duration", "1s")
        .set("live.publish.reconnect-grace", "10s").start()) {
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
      Path dir = k.dataDir().resolve("hls").resolve("live");
      assertThat(Files.exists(dir.resolve("cam-8.ts"))).isTrue();
      // Out of the window, a segment stays for its duration plus the playlist's (RFC 8216, 6.2.2): 1 + 3 s.
      assertThat(get(k.httpBase() + "/live/cam-5.ts").statusCode()).isEqualTo(200);
      LiveFixture.time(k).advance(Duration.ofMillis(3999));
      assertThat(get(k.httpBase() + "/live/cam-2.ts").statusCode()).isEqualTo(200);
      assertThat(Files.exists(dir.resolve("cam-2.ts"))).isTrue();
      LiveFixture.time(k).advance(Duration.ofMillis(1));
      await().atMost(Duration.ofSeconds(5)).until(() -> !Files.exists(dir.resolve("cam-2.ts")));
      assertThat(get(k.httpBase() + "/live/cam-2.ts").statusCode()).isEqualTo(404);
      assertThat(Files.exists(dir.resolve("cam-0.ts"))).isFalse();
      pub.close();
      RtmpServerTest.awaitUnpublished(k, "live/cam");
      // The last segment is listed with what it holds (frames 225 to 249), and the playlist stays open
      // for a publisher that comes back within the grace.
      await().atMost(Duration.ofSeconds(5)).until(() -> new String(get(base + ".m3u8").body()).contains("cam-9.ts"));
      String open = new String(get(base + ".m3u8").body());
      assertThat(open).contains("#EXTINF:1.000,\ncam-9.ts").doesNotContain("#EXT-X-ENDLIST");
      LiveFixture.time(k).advance(Duration.ofMillis(9999));
      assertThat(new String(get(base + ".m3u8").body())).doesNotContain("#EXT-X-ENDLIST");
      LiveFixture.time(k).advance(Duration.ofMillis(1));
      await().atMost(Duration.ofSeconds(5)).until(() -> new String(get(base + ".m3u8").body()).contains("#EXT-X-ENDLIST"));
    }
  }

  @Test
  void hlsPlaylistContinuesThroughAReconnectAndMarksAChangedEncoderWithADiscontinuity() throws Exception {
    try (TestKernel k = LiveFixture.server().set("live.hls.window", "10").set("live.hls.segment-duration", "1s")
        .start()) {
      String base = k.httpBase() + "/live/cam";
      try (RtmpClient first = connect(k, "live")) {
        first.publish("cam").get(5, TimeUnit.SECONDS);
        sendHeaders(first);
        sendFrames(first, 0, 0, 75, 25, 500); // segments 0 and 1; 2 open
      }
      RtmpServerTest.awaitUnpublished(k, "live/cam");
      try (RtmpClient same = connect(k, "live")) { // the same encoder settings, clock from 0 again
        same.publish("cam").get(5, TimeUnit.SECONDS);
        sendHeaders(same);
        sendFrames(same, 0, 0, 50, 25, 500); // segment 3; 4 open
      }
      RtmpServerTest.awaitUnpublished(k, "live/cam");
      try (RtmpClient changed = connect(k, "live")) { // another resolution: another SPS
        changed.publish("cam").get(5, TimeUnit.SECONDS);
        changed.send(MessageType.VIDEO, 0, FakeEncoder.avcConfig(1280, 720));
        changed.send(MessageType.AUDIO, 0, FakeEncoder.aacConfig());
        sendFrames(changed, 0, 0, 50, 25, 500); // segment 5; 6 open
      }
      RtmpServerTest.awaitUnpublished(k, "live/cam");
      await().atMost(Duration.ofSeconds(5)).until(() -> new String(get(base + ".m3u8").body()).contains("cam-6.ts"));
      String text = new String(get(base + ".m3u8").body());
      assertThat(text).doesNotContain("#EXT-X-ENDLIST");
      List<String> lines = text.lines().filter(l -> !l.startsWith("#EXTINF")).toList();
      // Timestamps go on and the configuration is the same: no discontinuity; a new SPS: one.
      assertThat(lines.subList(lines.indexOf("#EXT-X-MEDIA-SEQUENCE:0") + 1, lines.size())).containsExactly(
          "cam-0.ts", "cam-1.ts", "cam-2.ts", "cam-3.ts", "cam-4.ts", "#EXT-X-DISCONTINUITY", "cam-5.ts", "cam-6.ts");
      HttpResponse<byte[]> seg = get(k.httpBase() + "/live/cam-5.ts");
      TsCheck.assertValid(seg.body());
    }
  }

  private static int flvViewers(TestKernel k) {
    return new HttpTestClient(k.httpBase()).admin("GET", "/api/v1/streams", null).json().path("streams").path(0)
        .path("viewers").path("flv").asInt();
  }

  @Test
  void httpFlvViewerThatStopsReadingIsClosedAfterTheStallTimeout() throws Exception {
    try (TestKernel k = LiveFixture.server().set("live.viewer.stall-timeout", "30s").set("live.rtmp.idle-timeout", "1h")
        .start(); RtmpClient pub = connect(k, "live")) {
      pub.publish("cam").get(5, TimeUnit.SECONDS);
      sendHeaders(pub);
      try (java.net.Socket stalled = new java.net.Socket(); FlvReader reading = new FlvReader(k.httpBase() + "/live/cam.flv")) {
        stalled.setReceiveBufferSize(4096); // a small window, and never read: the server's queue fills
        stalled.connect(new java.net.InetSocketAddress("127.0.0.1", k.httpPort()));
        stalled.getOutputStream().write("GET /live/cam.flv HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
        await().atMost(Duration.ofSeconds(5)).until(() -> flvViewers(k) == 2);
        for (int i = 0; i < 500; i += 5) {
          sendFrames(pub, 0, i, i + 5, 25, 40_000); // 20 MB in all, far beyond socket buffers
          int upTo = i + 5;
          await().atMost(Duration.ofSeconds(10)).until(() -> reading.pictures().size() >= upTo);
        }
        LiveFixture.time(k).advance(Duration.ofSeconds(30)); // first seen stuck at 1 s: not yet 30 s
        sendFrames(pub, 0, 500, 505, 25, 1000);
        await().atMost(Duration.ofSeconds(10)).until(() -> reading.pictures().size() >= 505);
        assertThat(flvViewers(k)).isEqualTo(2);
        LiveFixture.time(k).advance(Duration.ofSeconds(1));
        await().atMost(Duration.ofSeconds(5)).until(() -> flvViewers(k) == 1);
        LiveFixture.time(k).advance(Duration.ofSeconds(60)); // a viewer that reads is never stalled
        sendFrames(pub, 0, 505, 510, 25, 1000);
        await().atMost(Duration.ofSeconds(10)).until(() -> reading.pictures().size() >= 510);
        assertThat(flvViewers(k)).isEqualTo(1);
        assertThat(reading.ended).isFalse();
      }
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
