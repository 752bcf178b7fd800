package dev.parley.it.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.core.testing.HttpTestClient;
import dev.parley.core.testing.TestKernel;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class LiveFfmpegIT {
  static void assertStreams(JsonNode probe, String url) {
    JsonNode streams = probe.path("streams");
    JsonNode video = null;
    JsonNode audio = null;
    for (JsonNode s : streams) {
      if (s.path("codec_type").asText().equals("video")) {
        video = s;
      } else if (s.path("codec_type").asText().equals("audio")) {
        audio = s;
      }
    }
    assertThat(video).as("video stream of %s in %s", url, probe).isNotNull();
    assertThat(video.path("codec_name").asText()).isEqualTo("h264");
    assertThat(video.path("width").asInt()).isEqualTo(640);
    assertThat(video.path("height").asInt()).isEqualTo(360);
    assertThat(audio).as("audio stream of %s in %s", url, probe).isNotNull();
    assertThat(audio.path("codec_name").asText()).isEqualTo("aac");
    assertThat(audio.path("sample_rate").asInt()).isEqualTo(44100);
  }

  /** Reads {@code url} for a few seconds and checks the decoded frame count grows. */
  static void assertFramesGrow(String url) throws Exception {
    try (Proc reader = Ffmpeg.read(url, 4)) {
      await().atMost(Duration.ofSeconds(30)).until(() -> Ffmpeg.frames(reader).stream().anyMatch(n -> n > 0));
      int first = Ffmpeg.frames(reader).stream().filter(n -> n > 0).findFirst().orElseThrow();
      await().atMost(Duration.ofSeconds(30)).until(() -> Ffmpeg.frames(reader).stream().anyMatch(n -> n > first + 25));
      assertThat(reader.waitFor(30)).as("reader of %s: %s", url, reader.errText()).isEqualTo(0);
      List<Integer> frames = Ffmpeg.frames(reader);
      assertThat(frames.get(frames.size() - 1)).as("frames read from %s", url).isGreaterThanOrEqualTo(75);
    }
  }

  /** Waits until the playlist lists three segments. */
  static void awaitSegments(TestKernel k, String path) {
    await().atMost(Duration.ofSeconds(20)).until(() -> new HttpTestClient(k.httpBase()).get(path, null).body()
        .lines().filter(l -> l.endsWith(".ts")).count() >= 3);
  }

  @Test
  void ffmpegPublishesAndIsReadBackOverRtmpHttpFlvAndHls() throws Exception {
    try (TestKernel k = LiveServer.builder().set("live.hls.segment-duration", "1s").start();
        Proc pub = Ffmpeg.publish(LiveServer.rtmp(k, "live/test"), 0)) {
      String rtmp = LiveServer.rtmp(k, "live/test");
      String flv = k.httpBase() + "/live/test.flv";
      String hls = k.httpBase() + "/live/test.m3u8";
      assertStreams(Ffmpeg.probe(rtmp, 20), rtmp);
      assertStreams(Ffmpeg.probe(flv, 20), flv);
      awaitSegments(k, "/live/test.m3u8");
      assertStreams(Ffmpeg.probe(hls, 20), hls);
      assertFramesGrow(rtmp);
      assertFramesGrow(flv);
      assertFramesGrow(hls);
      JsonNode s = new HttpTestClient(k.httpBase()).admin("GET", "/api/v1/streams", null).json().path("streams").get(0);
      assertThat(s.path("video").path("width").asInt()).isEqualTo(640);
      assertThat(s.path("video").path("frameRate").asDouble()).isBetween(20.0, 30.0);
      assertThat(s.path("bitrateKbps").asLong()).isPositive();
      assertThat(pub.process.isAlive()).as(pub.errText()).isTrue();
    }
  }

  @Test
  void secondPublisherOfTheSameStreamIsRefused() throws Exception {
    try (TestKernel k = LiveServer.builder().start();
        Proc first = Ffmpeg.publish(LiveServer.rtmp(k, "live/one"), 0)) {
      Ffmpeg.probe(LiveServer.rtmp(k, "live/one"), 20);
      try (Proc second = Ffmpeg.publish(LiveServer.rtmp(k, "live/one"), 0)) {
        Integer code = second.waitFor(20);
        assertThat(code).as("second publisher exits").isNotNull().isNotEqualTo(0);
        assertThat(second.errText()).contains("already being published");
      }
      assertThat(first.process.isAlive()).isTrue();
      assertFramesGrow(LiveServer.rtmp(k, "live/one"));
    }
  }

  /** Waits until {@code probe} has read packets timed past {@code seconds}. */
  private static void awaitPacketsPast(Proc probe, double seconds, String what) {
    await().atMost(Duration.ofSeconds(40)).until(() -> {
      assertThat(probe.process.isAlive()).as("%s still reading: %s", what, probe.errText()).isTrue();
      return Ffmpeg.packetTimes(probe).stream().anyMatch(t -> t > seconds);
    });
  }

  private static double lastPacket(Proc probe) {
    return Ffmpeg.packetTimes(probe).stream().mapToDouble(Double::doubleValue).max().orElse(0);
  }

  private static void awaitUnpublished(TestKernel k) {
    await().atMost(Duration.ofSeconds(10)).until(() -> new HttpTestClient(k.httpBase())
        .admin("GET", "/api/v1/streams", null).json().path("streams").isEmpty());
  }

  @Test
  void ffprobeReadsOnAcrossAnEncoderKilledAndRestartedWithinTheGrace() throws Exception {
    try (TestKernel k = LiveServer.builder().set("live.hls.segment-duration", "1s").start()) {
      String rtmp = LiveServer.rtmp(k, "live/cam");
      String flv = k.httpBase() + "/live/cam.flv";
      String hls = k.httpBase() + "/live/cam.m3u8";
      Proc first = Ffmpeg.publish(rtmp, 0);
      try (Proc rtmpProbe = Ffmpeg.packets(rtmp); Proc flvProbe = Ffmpeg.packets(flv)) {
        awaitPacketsPast(rtmpProbe, 2, "ffprobe over RTMP");
        awaitPacketsPast(flvProbe, 2, "ffprobe over HTTP-FLV");
        awaitSegments(k, "/live/cam.m3u8");
        try (Proc hlsProbe = Ffmpeg.packets(hls)) {
          awaitPacketsPast(hlsProbe, lastPacket(rtmpProbe) - 3, "ffprobe over HLS");
          first.close(); // SIGKILL: the encoder dies without a word
          awaitUnpublished(k);
          double rtmpAt = lastPacket(rtmpProbe);
          double flvAt = lastPacket(flvProbe);
          double hlsAt = lastPacket(hlsProbe);
          try (Proc second = Ffmpeg.publish(rtmp, 0)) { // restarted well within the 10 s grace
            // Every reader goes on with the new encoder's media, on a timeline that goes on.
            awaitPacketsPast(rtmpProbe, rtmpAt + 4, "ffprobe over RTMP");
            awaitPacketsPast(flvProbe, flvAt + 4, "ffprobe over HTTP-FLV");
            awaitPacketsPast(hlsProbe, hlsAt + 4, "ffprobe over HLS");
            assertThat(second.process.isAlive()).as(second.errText()).isTrue();
          }
        }
      } finally {
        first.close();
      }
    }
  }

  @Test
  void gstreamersRepeatedMetadataDoesNotBecomeAStreamOfItsOwn() throws Exception {
    assumeTrue(Gstreamer.available(), "gst-launch-1.0 with openh264enc, voaacenc, flvmux and rtmp2sink");
    try (TestKernel k = LiveServer.builder().start();
        Proc pub = Gstreamer.publish(LiveServer.rtmp(k, "live/gst"))) {
      for (String url : new String[] {LiveServer.rtmp(k, "live/gst"), k.httpBase() + "/live/gst.flv"}) {
        JsonNode probe = Ffmpeg.probe(url, 20);
        List<String> types = new java.util.ArrayList<>();
        probe.path("streams").forEach(s -> types.add(s.path("codec_type").asText()));
        assertThat(types).as("streams of %s", url).containsExactlyInAnyOrder("video", "audio");
      }
      assertThat(pub.process.isAlive()).as(pub.errText()).isTrue();
    }
  }

  @Test
  void publisherWhoseOldConnectionHangsReconnectsAndTakesItsStreamBack() throws Exception {
    try (TestKernel k = LiveServer.builder().set("live.publish.takeover-idle", "1s").start();
        FreezableProxy proxy = new FreezableProxy(k.port("rtmp"))) {
      try (Proc old = Ffmpeg.publish("rtmp://127.0.0.1:" + proxy.port() + "/live/cam", 0);
          Proc reader = Ffmpeg.packets(LiveServer.rtmp(k, "live/cam"))) {
        awaitPacketsPast(reader, 2, "ffprobe over RTMP");
        proxy.freeze(); // the old path goes dead without a FIN or RST, as on a dropped mobile link
        // The encoder reconnects, and retries while the server still counts the old path as live.
        Proc[] fresh = new Proc[1];
        try {
          await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() -> {
            if (fresh[0] == null || !fresh[0].process.isAlive()) {
              if (fresh[0] != null) {
                assertThat(fresh[0].errText()).contains("already being published");
                fresh[0].close();
              }
              fresh[0] = Ffmpeg.publish(LiveServer.rtmp(k, "live/cam"), 0);
            }
            JsonNode s = new HttpTestClient(k.httpBase()).admin("GET", "/api/v1/streams", null).json()
                .path("streams").path(0);
            return s.path("publisher").path("address").asText().startsWith("127.0.0.1:")
                && !s.path("publisher").path("address").asText().endsWith(":" + proxy.upstreamLocalPort());
          });
          // The player that was reading through the takeover goes on too.
          awaitPacketsPast(reader, lastPacket(reader) + 3, "ffprobe over RTMP across the takeover");
          assertFramesGrow(LiveServer.rtmp(k, "live/cam"));
          assertFramesGrow(k.httpBase() + "/live/cam.flv");
          assertThat(fresh[0].process.isAlive()).as(fresh[0].errText()).isTrue();
        } finally {
          if (fresh[0] != null) {
            fresh[0].close();
          }
        }
      }
    }
  }

  @Test
  void streamWhoseTimestampsStartPastTheExtendedMarkStillPlays() throws Exception {
    double offset = 17_000; // seconds: past 0xFFFFFF ms (4 h 39 min 37 s)
    try (TestKernel k = LiveServer.builder().set("live.hls.segment-duration", "1s").start();
        Proc pub = Ffmpeg.publish(LiveServer.rtmp(k, "live/late"), offset)) {
      String rtmp = LiveServer.rtmp(k, "live/late");
      JsonNode probe = Ffmpeg.probe(rtmp, 20);
      assertStreams(probe, rtmp);
      assertThat(probe.path("format").path("start_time").asDouble()).isGreaterThan(offset - 1);
      assertFramesGrow(rtmp);
      assertFramesGrow(k.httpBase() + "/live/late.flv");
      awaitSegments(k, "/live/late.m3u8");
      assertFramesGrow(k.httpBase() + "/live/late.m3u8");
      assertThat(pub.process.isAlive()).as(pub.errText()).isTrue();
    }
  }
}
