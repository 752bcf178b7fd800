package dev.parley.it.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.parley.core.testing.TestKernel;
import dev.parley.it.web.Chromium;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Headless Chromium plays the player page's HTTP-FLV (mpegts.js) and HLS (hls.js) players, is told
 * honestly when nobody publishes the stream it asks for, and never loads media from elsewhere.
 */
class LivePageIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(45);

  private static Object eval(Chromium c, String expression) {
    return c.driver().executeScript("return " + expression);
  }

  private static double currentTime(Chromium c) {
    Object t = eval(c, "document.getElementById('video').currentTime");
    return t instanceof Number n ? n.doubleValue() : 0;
  }

  private static String status(Chromium c) {
    return (String) eval(c, "document.getElementById('status').textContent");
  }

  private static String statusState(Chromium c) {
    return (String) eval(c, "document.getElementById('status').dataset.state || ''");
  }

  private static int refreshes(Chromium c) {
    return ((Number) eval(c, "window.parleyLive.refreshes")).intValue();
  }

  private static void assertPlays(Chromium c, String what) {
    await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(500))
        .until(() -> currentTime(c) > 1.0);
    double t0 = currentTime(c);
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500))
        .until(() -> currentTime(c) > t0 + 2.0);
    assertThat((String) eval(c, "document.getElementById('status').textContent")).as(what).contains("playing");
  }

  @Test
  void pageListsTheStreamAndPlaysItOverHttpFlvAndHls() throws Exception {
    try (TestKernel k = LiveServer.builder().set("live.hls.segment-duration", "1s").start();
        Proc pub = Ffmpeg.publish(LiveServer.rtmp(k, "live/show"), 0)) {
      Ffmpeg.probe(LiveServer.rtmp(k, "live/show"), 20);
      try (Chromium c = Chromium.start("--autoplay-policy=no-user-gesture-required")) {
        c.driver().get(k.httpBase() + "/live?stream=live/show&mode=flv");
        await().atMost(TIMEOUT).until(() -> ((String) eval(c, "document.getElementById('streams').textContent"))
            .contains("live/show"));
        assertThat((String) eval(c, "document.getElementById('streams').textContent")).contains("h264 640x360");
        assertPlays(c, "HTTP-FLV");
        c.driver().get(k.httpBase() + "/live?stream=live/show&mode=hls");
        await().atMost(TIMEOUT).until(() -> Boolean.TRUE.equals(
            eval(c, "document.querySelector('input[value=hls]').checked")));
        assertPlays(c, "HLS");
      }
    }
  }

  @Test
  void anUnpublishedStreamWaitsForItsPublisherAndPlaysOnceFfmpegPublishes() throws Exception {
    try (TestKernel k = LiveServer.builder().start();
        Chromium c = Chromium.start("--autoplay-policy=no-user-gesture-required")) {
      c.driver().get(k.httpBase() + "/live?stream=live/later&mode=flv");
      await().atMost(TIMEOUT).until(() -> "waiting".equals(statusState(c)));
      assertThat(status(c)).contains("waiting for the publisher").contains("live/later").doesNotContain("playing");
      // The publish hint names this page's host, the server's RTMP port and the stream asked for.
      await().until(() -> eval(c, "document.getElementById('publish-url').textContent")
          .equals("rtmp://127.0.0.1:" + k.port("rtmp") + "/live/later"));
      // Refreshes go by, and the page still waits: nothing plays, no player asked for media.
      int seen = refreshes(c);
      await().atMost(TIMEOUT).until(() -> refreshes(c) >= seen + 2);
      assertThat(statusState(c)).isEqualTo("waiting");
      assertThat(eval(c, "document.getElementById('video').currentSrc")).isEqualTo("");
      assertThat(currentTime(c)).isZero();

      try (Proc pub = Ffmpeg.publish(LiveServer.rtmp(k, "live/later"), 0)) {
        assertPlays(c, "HTTP-FLV once published");
        assertThat(status(c)).isEqualTo("playing live/later over HTTP-FLV");
      }
    }
  }

  @Test
  void aStreamParameterThatPointsAtAnotherHostIsRefused() throws Exception {
    // Stands in for another origin: it records every request that reaches it.
    HttpServer other = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    List<String> requests = new CopyOnWriteArrayList<>();
    other.createContext("/", ex -> {
      requests.add(ex.getRequestURI().getPath());
      ex.getResponseHeaders().set("Access-Control-Allow-Origin", "*");
      ex.sendResponseHeaders(204, -1);
      ex.close();
    });
    other.start();
    String otherOrigin = "127.0.0.1:" + other.getAddress().getPort();
    try (TestKernel k = LiveServer.builder().start();
        Chromium c = Chromium.start("--autoplay-policy=no-user-gesture-required")) {
      for (String bad : List.of("/" + otherOrigin + "/app/x", "/evil.example:80/app/x", "../x", "live/..")) {
        for (String mode : List.of("flv", "hls")) {
          c.driver().get(k.httpBase() + "/live?mode=" + mode + "&stream=" + URLEncoder.encode(bad,
              StandardCharsets.UTF_8));
          await().atMost(TIMEOUT).until(() -> "refused".equals(statusState(c)));
          assertThat(status(c)).as(bad).contains("is not a stream");
          assertThat(eval(c, "document.getElementById('video').currentSrc")).as(bad).isEqualTo("");
          assertThat(eval(c, "window.parleyLive.current")).as(bad).isNull();
          // Every resource the page loaded is its own server's.
          List<?> foreign = (List<?>) eval(c, "performance.getEntriesByType('resource').map((e) => e.name)"
              + ".filter((n) => !n.startsWith(location.origin))");
          assertThat(foreign).as(bad).isEmpty();
        }
      }
      // A marker after the pages: once it arrives, anything the pages sent to that host has too.
      eval(c, "fetch('http://" + otherOrigin + "/marker', { mode: 'no-cors' }), true");
      await().atMost(TIMEOUT).until(() -> requests.contains("/marker"));
      assertThat(requests).containsExactly("/marker");
    } finally {
      other.stop(0);
    }
  }
}
