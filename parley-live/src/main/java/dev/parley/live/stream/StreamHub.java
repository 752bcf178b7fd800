package dev.parley.live.stream;

import dev.parley.core.time.TimeSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;

/** Every live stream by {@code app/name}; a stream exists while it has a publisher or a viewer. */
public final class StreamHub {
  private final ConcurrentHashMap<String, LiveStream> streams = new ConcurrentHashMap<>();
  private final StreamSettings settings;
  private final LiveMetrics metrics;
  private final List<StreamSink> sinks = new CopyOnWriteArrayList<>();
  private final TimeSource time;
  private final ScheduledExecutorService timers;
  private volatile Upstream upstream = Upstream.NONE;

  /**
   * @param time every clock and timer of the streams and their viewers
   * @param timers where stream-wide timers run (the reconnect grace); viewers' timers run on their own loop
   */
  public StreamHub(StreamSettings settings, LiveMetrics metrics, TimeSource time, ScheduledExecutorService timers) {
    this.settings = settings;
    this.metrics = metrics;
    this.time = time;
    this.timers = timers;
  }

  public TimeSource time() {
    return time;
  }

  ScheduledExecutorService timers() {
    return timers;
  }

  /** Sets where streams published on other nodes come from (before the node serves). */
  public void upstream(Upstream u) {
    this.upstream = u;
  }

  public Upstream upstream() {
    return upstream;
  }

  public StreamSettings settings() {
    return settings;
  }

  public LiveMetrics metrics() {
    return metrics;
  }

  /** Adds a consumer every stream feeds (HLS, recording). */
  public void addSink(StreamSink sink) {
    sinks.add(sink);
  }

  List<StreamSink> sinks() {
    return sinks;
  }

  /** The stream, created if needed; null when the stream limit is reached. */
  LiveStream acquire(String app, String name) {
    String key = app + "/" + name;
    LiveStream s = streams.get(key);
    if (s == null) {
      if (streams.size() >= settings.maxStreams()) {
        return null;
      }
      s = streams.computeIfAbsent(key, k -> new LiveStream(this, app, name));
    }
    return s;
  }

  /** The stream if it exists. */
  public LiveStream get(String app, String name) {
    return streams.get(app + "/" + name);
  }

  void remove(LiveStream s) {
    streams.remove(s.key(), s);
  }

  /** Every stream, live or waited for. */
  public Collection<LiveStream> all() {
    return new ArrayList<>(streams.values());
  }

  /** Streams that have a publisher. */
  public List<LiveStream> live() {
    List<LiveStream> out = new ArrayList<>();
    for (LiveStream s : streams.values()) {
      if (s.isLive()) {
        out.add(s);
      }
    }
    return out;
  }

  /**
   * Starts publishing {@code app/name}.
   *
   * @return the outcome; on success the stream to feed
   */
  public PublishResult publish(String app, String name, Publisher p) {
    while (true) {
      LiveStream s = acquire(app, name);
      if (s == null) {
        return new PublishResult(null, "the server's stream limit (" + settings.maxStreams() + ") is reached");
      }
      PublishResult r = s.tryPublish(p);
      if (r != null) {
        return r;
      }
      // The stream was being removed as we got it: take a fresh one.
    }
  }

  /** Joins a viewer to {@code app/name} (waiting if nobody publishes yet); false at the stream limit. */
  public boolean play(String app, String name, Viewer v) {
    while (true) {
      LiveStream s = acquire(app, name);
      if (s == null) {
        return false;
      }
      if (s.join(v)) {
        if (!s.isLive()) {
          upstream.wanted(app, name);
        }
        return true;
      }
    }
  }

  /** Outcome of a publish request: the stream, or why not. */
  public record PublishResult(LiveStream stream, String refusal) {
    public boolean ok() {
      return stream != null;
    }
  }
}
