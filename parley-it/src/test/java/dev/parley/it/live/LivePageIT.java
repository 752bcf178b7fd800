package dev.parley.it.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.core.testing.TestKernel;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Headless Chromium plays the player page's HTTP-FLV (mpegts.js) and HLS (hls.js) players. */
class LivePageIT {
  private static double currentTime(Chromium c) throws Exception {
    return c.eval("document.getElementById('video').currentTime").asDouble(0);
  }

  private static void assertPlays(Chromium c, String what) throws Exception {
    await().atMost(Chromium.timeout()).pollInterval(Duration.ofMillis(500))
        .until(() -> currentTime(c) > 1.0);
    double t0 = currentTime(c);
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500))
        .until(() -> currentTime(c) > t0 + 2.0);
    assertThat(c.eval("document.getElementById('status').textContent").asText()).as(what).contains("playing");
  }

  @Test
  void pageListsTheStreamAndPlaysItOverHttpFlvAndHls() throws Exception {
    try (TestKernel k = LiveServer.builder().set("live.hls.segment-duration", "1s").start();
        Proc pub = Ffmpeg.publish(LiveServer.rtmp(k, "live/show"), 0)) {
      Ffmpeg.probe(LiveServer.rtmp(k, "live/show"), 20);
      try (Chromium c = Chromium.open(k.httpBase() + "/live?stream=live/show&mode=flv")) {
        await().atMost(Chromium.timeout()).until(() -> c.eval("document.getElementById('streams').textContent").asText()
            .contains("live/show"));
        assertThat(c.eval("document.getElementById('streams').textContent").asText()).contains("h264 640x360");
        assertPlays(c, "HTTP-FLV");
        c.navigate(k.httpBase() + "/live?stream=live/show&mode=hls");
        await().atMost(Chromium.timeout()).until(() -> c.eval("document.querySelector('input[value=hls]').checked")
            .asBoolean());
        assertPlays(c, "HLS");
      }
    }
  }
}
