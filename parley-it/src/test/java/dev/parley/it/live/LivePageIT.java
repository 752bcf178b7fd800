package dev.parley.it.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.core.testing.TestKernel;
import dev.parley.it.web.Chromium;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Headless Chromium plays the player page's HTTP-FLV (mpegts.js) and HLS (hls.js) players. */
class LivePageIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(45);

  private static Object eval(Chromium c, String expression) {
    return c.driver().executeScript("return " + expression);
  }

  private static double currentTime(Chromium c) {
    Object t = eval(c, "document.getElementById('video').currentTime");
    return t instanceof Number n ? n.doubleValue() : 0;
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
}
