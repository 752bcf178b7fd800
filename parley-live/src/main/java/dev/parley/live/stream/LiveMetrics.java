package dev.parley.live.stream;

import dev.parley.live.media.MediaFrame;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** The module's counters (exported as {@code parley_live_*}); gauges are registered by the module. */
public final class LiveMetrics {
  private final Counter framesIn;
  private final Counter bytesIn;
  private final Counter droppedVideo;
  private final Counter droppedAudio;
  private final Counter publishRefused;
  private final Counter playRefused;

  public LiveMetrics(MeterRegistry registry) {
    framesIn = Counter.builder("parley.live.frames.in").description("Media frames received from publishers")
        .register(registry);
    bytesIn = Counter.builder("parley.live.bytes.in").description("Media bytes received from publishers")
        .baseUnit("bytes").register(registry);
    droppedVideo = Counter.builder("parley.live.frames.dropped").tag("kind", "video")
        .description("Frames not sent to slow viewers").register(registry);
    droppedAudio = Counter.builder("parley.live.frames.dropped").tag("kind", "audio")
        .description("Frames not sent to slow viewers").register(registry);
    publishRefused = Counter.builder("parley.live.refused").tag("action", "publish")
        .description("Publish and play requests refused (auth, taken stream, limits)").register(registry);
    playRefused = Counter.builder("parley.live.refused").tag("action", "play")
        .description("Publish and play requests refused (auth, taken stream, limits)").register(registry);
  }

  void frameIn(MediaFrame f) {
    framesIn.increment();
    bytesIn.increment(f.payload().length);
  }

  void dropped(MediaFrame f) {
    (f.isVideo() ? droppedVideo : droppedAudio).increment();
  }

  public void refused(boolean publish) {
    (publish ? publishRefused : playRefused).increment();
  }
}
