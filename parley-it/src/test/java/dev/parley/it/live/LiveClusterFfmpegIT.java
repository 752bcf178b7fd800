package dev.parley.it.live;

import static dev.parley.it.live.LiveFfmpegIT.assertFramesGrow;
import static dev.parley.it.live.LiveFfmpegIT.assertStreams;
import static dev.parley.it.live.LiveFfmpegIT.awaitSegments;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.core.testing.BusModule;
import dev.parley.core.testing.HttpTestClient;
import dev.parley.core.testing.InMemoryBus;
import dev.parley.core.testing.TestKernel;
import dev.parley.live.LiveModule;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * ffmpeg publishing on one node of a two-node cluster (joined by an in-memory bus), read back on
 * the other by ffprobe and ffmpeg over RTMP, HTTP-FLV and HLS through the edge pull; a second
 * ffmpeg publishing the name on the other node is refused.
 */
class LiveClusterFfmpegIT {
  private static TestKernel node(InMemoryBus bus, String id) {
    return TestKernel.builder(() -> List.of(new BusModule(bus.node(id)), new LiveModule()))
        .set("live.hls.segment-duration", "1s").start();
  }

  @Test
  void ffmpegPublishingOnOneNodeIsReadOnTheOtherAndTheNameIsRefusedThere() throws Exception {
    try (InMemoryBus bus = new InMemoryBus(); TestKernel a = node(bus, "a"); TestKernel b = node(bus, "b");
        Proc pub = Ffmpeg.publish(LiveServer.rtmp(a, "live/test"), 0)) {
      Ffmpeg.probe(LiveServer.rtmp(a, "live/test"), 20);
      JsonNode streams = new HttpTestClient(b.httpBase()).admin("GET", "/api/v1/streams", null).json();
      assertThat(streams.path("streams").findValuesAsText("node")).contains("a");
      // Before b has viewers (and so an edge copy of its own), b refuses the name for a's sake.
      try (Proc second = Ffmpeg.publish(LiveServer.rtmp(b, "live/test"), 0)) {
        Integer code = second.waitFor(20);
        assertThat(code).as("second publisher exits").isNotNull().isNotEqualTo(0);
        assertThat(second.errText()).contains("already being published (on node a)");
      }
      String rtmp = LiveServer.rtmp(b, "live/test");
      String flv = b.httpBase() + "/live/test.flv";
      String hls = b.httpBase() + "/live/test.m3u8";
      assertStreams(Ffmpeg.probe(rtmp, 20), rtmp);
      assertStreams(Ffmpeg.probe(flv, 20), flv);
      assertFramesGrow(flv);
      assertFramesGrow(rtmp);
      awaitSegments(b, "/live/test.m3u8");
      assertStreams(Ffmpeg.probe(hls, 20), hls);

      assertThat(pub.process.isAlive()).as(pub.errText()).isTrue();
    }
  }
}
