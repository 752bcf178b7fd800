package dev.parley.live.stream;

import dev.parley.core.testing.ManualTime;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;

/** Streams for unit tests of sinks and viewers, without a server. */
public final class TestStreams {
  private TestStreams() {}

  /** A hub with default settings on {@code time}, its stream-wide timers on {@code timers}. */
  public static StreamHub hub(ManualTime time, ScheduledExecutorService timers) {
    return new StreamHub(new StreamSettings(true, 1024, 16L << 20, 8L << 20, Takeover.IDLE, Duration.ofSeconds(3),
        100, Duration.ZERO, Duration.ofSeconds(10), Duration.ofSeconds(30)), new LiveMetrics(new SimpleMeterRegistry()), time, timers);
  }

  /** A publisher that does nothing. */
  public static Publisher publisher() {
    return new Publisher() {
      @Override
      public String remoteAddress() {
        return "127.0.0.1:1";
      }

      @Override
      public long lastMediaNanos() {
        return 0;
      }

      @Override
      public void kick(String reason) {
      }
    };
  }

  /** {@code app/name} published by {@code p} on {@code hub}. */
  public static LiveStream published(StreamHub hub, String app, String name, Publisher p) {
    StreamHub.PublishResult r = hub.publish(app, name, p);
    if (!r.ok()) {
      throw new IllegalStateException(r.refusal());
    }
    return r.stream();
  }
}
