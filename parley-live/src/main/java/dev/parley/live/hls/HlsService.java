package dev.parley.live.hls;

import dev.parley.core.time.TimeSource;
import dev.parley.live.files.SerialExecutor;
import dev.parley.live.media.MediaFrame;
import dev.parley.live.stream.LiveStream;
import dev.parley.live.stream.StreamSink;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HLS for every published stream: one {@link HlsStream} per {@code app/name}, kept for the linger
 * time after the stream ends, and a count of HLS viewers (clients that fetched a playlist lately).
 */
public final class HlsService implements StreamSink {
  private static final Logger log = LoggerFactory.getLogger(HlsService.class);
  private final HlsSettings settings;
  private final Executor blocking;
  private final TimeSource time;
  private final Map<String, HlsStream> streams = new ConcurrentHashMap<>();
  private final Map<String, Long> viewers = new ConcurrentHashMap<>();

  /** Files are written on {@code blocking}; viewer and linger times are measured on {@code time}. */
  public HlsService(HlsSettings settings, Executor blocking, TimeSource time) {
    this.settings = settings;
    this.blocking = blocking;
    this.time = time;
  }

  public HlsSettings settings() {
    return settings;
  }

  @Override
  public void onPublishStart(LiveStream stream) {
    HlsStream h;
    try {
      h = streams.computeIfAbsent(stream.key(), k -> new HlsStream(stream.app(), stream.name(), settings,
          new SerialExecutor(blocking, 1024), time));
    } catch (IllegalArgumentException e) {
      log.error("no HLS for {}: {}", stream.key(), e.getMessage());
      return;
    }
    h.publishStart();
  }

  @Override
  public void onFrame(LiveStream stream, MediaFrame frame) {
    HlsStream h = streams.get(stream.key());
    if (h != null) {
      h.frame(frame);
    }
  }

  @Override
  public void onUnpublish(LiveStream stream) {
    HlsStream h = streams.get(stream.key());
    if (h != null) {
      h.unpublish();
    }
  }

  @Override
  public void onEnd(LiveStream stream) {
    HlsStream h = streams.get(stream.key());
    if (h != null) {
      h.end();
    }
  }

  /** The playlist of {@code app/name}, or null. */
  public String playlist(String app, String name) {
    HlsStream h = streams.get(app + "/" + name);
    return h == null ? null : h.playlist();
  }

  /** The file of segment {@code sequence} of {@code app/name} if it is in the playlist, else null. */
  public Path segment(String app, String name, long sequence) {
    HlsStream h = streams.get(app + "/" + name);
    return h == null ? null : h.segmentFile(sequence);
  }

  /** Notes that {@code client} fetched the playlist of {@code key}. */
  public void touch(String key, String client) {
    viewers.put(key + "\n" + client, time.nanoTime());
  }

  /** Whether {@code client} fetched the playlist of {@code key} lately (and so passed the on_play callback). */
  public boolean known(String key, String client) {
    return viewers.containsKey(key + "\n" + client);
  }

  /** Clients that fetched the playlist of {@code key} within the last few target durations. */
  public int viewers(String key) {
    int n = 0;
    String prefix = key + "\n";
    for (String k : viewers.keySet()) {
      if (k.startsWith(prefix)) {
        n++;
      }
    }
    return n;
  }

  /**
   * Forgets idle viewers, deletes segments that left their playlist long enough ago, and streams
   * that ended longer ago than the linger time. Run periodically.
   */
  public void sweep() {
    long idle = Math.max(3, 3 * settings.targetDuration().toSeconds()) * 1_000_000_000L + 5_000_000_000L;
    long now = time.nanoTime();
    viewers.values().removeIf(t -> now - t > idle);
    for (Iterator<Map.Entry<String, HlsStream>> it = streams.entrySet().iterator(); it.hasNext();) {
      Map.Entry<String, HlsStream> e = it.next();
      e.getValue().purge(now);
      if (e.getValue().expired()) {
        it.remove();
        e.getValue().deleteAll();
      }
    }
  }

  /** Deletes every stream's segments (server stop). */
  public void deleteAll() {
    for (HlsStream h : streams.values()) {
      h.deleteAll();
    }
    streams.clear();
  }
}
