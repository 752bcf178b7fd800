package dev.parley.live.stream;

import dev.parley.core.time.Cancellable;
import dev.parley.live.media.MediaFrame;
import dev.parley.live.rtmp.chunk.MessageType;
import io.netty.channel.EventLoop;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One stream {@code app/name}: its publisher, its latest metadata and sequence headers, the GOP
 * cache and its viewers grouped by event loop. Frames enter on the publisher's loop; the state
 * that new viewers copy is guarded by this object's lock, and every frame gets a sequence number
 * so a viewer joining while frames are in flight sees each exactly once.
 *
 * <p>When the publisher leaves, the stream waits {@code live.publish.reconnect-grace} for it (or
 * another) to come back: viewers and sinks hear only that a publisher started again, so players
 * go on through an encoder's reconnect. Only when the grace passes do they hear
 * {@link Notice#ENDED} (and sinks {@link StreamSink#onEnd}). A takeover is a reconnect without a
 * gap. Timestamps continue across publishers.
 */
public final class LiveStream {
  private final StreamHub hub;
  private final String app;
  private final String name;
  private final String key;
  private final Map<EventLoop, ViewerGroup> groups = new ConcurrentHashMap<>();
  private final AtomicInteger[] viewerCounts = {new AtomicInteger(), new AtomicInteger()};
  private final StreamStats stats;

  // Guarded by this.
  private Publisher publisher;
  private boolean removed;
  private long sequence;
  private MediaFrame metadata;
  private MediaFrame videoConfig;
  private MediaFrame audioConfig;
  private final ArrayDeque<MediaFrame> gop = new ArrayDeque<>();
  private long gopBytes;
  private boolean everPublished;
  private long lastOutTimestamp;
  private long timestampOffset;
  private boolean needOffset;
  private int viewers;
  /** The reconnect grace running since the publisher left, or null; its generation tells stale timers apart. */
  private Cancellable grace;
  private long graceGeneration;

  LiveStream(StreamHub hub, String app, String name) {
    this.hub = hub;
    this.app = app;
    this.name = name;
    this.key = app + "/" + name;
    this.stats = new StreamStats(hub.time());
  }

  public String app() {
    return app;
  }

  public String name() {
    return name;
  }

  /** {@code app/name}. */
  public String key() {
    return key;
  }

  StreamHub hub() {
    return hub;
  }

  public StreamStats stats() {
    return stats;
  }

  public synchronized boolean isLive() {
    return publisher != null;
  }

  public synchronized Publisher publisher() {
    return publisher;
  }

  /** Viewers playing with {@code protocol} now. */
  public int viewers(Viewer.Protocol protocol) {
    return viewerCounts[protocol.ordinal()].get();
  }

  /** The latest sequence headers and metadata, for stats and new sinks. */
  public synchronized List<MediaFrame> headers() {
    List<MediaFrame> out = new ArrayList<>(3);
    for (MediaFrame f : new MediaFrame[] {metadata, videoConfig, audioConfig}) {
      if (f != null) {
        out.add(f);
      }
    }
    return out;
  }

  /** Null when the stream was being removed (the hub retries with a fresh one). */
  StreamHub.PublishResult tryPublish(Publisher p) {
    Publisher old;
    synchronized (this) {
      if (removed) {
        return null;
      }
      old = publisher;
      if (old != null) {
        long idle = hub.time().nanoTime() - old.lastMediaNanos();
        boolean take = hub.settings().takeover() == Takeover.ALWAYS || hub.settings().takeover() == Takeover.IDLE
            && idle >= hub.settings().takeoverIdle().toNanos();
        if (!take) {
          return new StreamHub.PublishResult(null, "stream " + key + " is already being published");
        }
        endPublisher();
      }
      if (grace != null) {
        grace.cancel(); // back within the grace: nobody is told the stream ended
        grace = null;
      }
      graceGeneration++;
      publisher = p;
      needOffset = everPublished;
      everPublished = true;
      stats.publishStarted(p.remoteAddress());
      fanOut(Notice.PUBLISH_START);
    }
    if (old != null) {
      old.kick("stream " + key + " was taken over by a new publisher from " + p.remoteAddress());
      for (StreamSink s : hub.sinks()) {
        s.onUnpublish(this);
      }
    }
    for (StreamSink s : hub.sinks()) {
      s.onPublishStart(this);
    }
    return new StreamHub.PublishResult(this, null);
  }

  /**
   * The publisher left (or was kicked). Viewers stay; if no publisher comes back within the
   * reconnect grace, they and the sinks are told the stream ended.
   */
  public void unpublish(Publisher p) {
    unpublish(p, false);
  }

  /**
   * The publisher left; with {@code endNow} the stream ends at once, without the reconnect grace
   * (an edge whose origin already waited out its own grace).
   */
  public void unpublish(Publisher p, boolean endNow) {
    long generation;
    synchronized (this) {
      if (publisher != p) {
        return;
      }
      endPublisher();
      publisher = null;
      generation = ++graceGeneration;
      if (!endNow) {
        grace = hub.time().schedule(hub.timers(), () -> graceOver(generation), hub.settings().reconnectGrace());
      }
    }
    for (StreamSink s : hub.sinks()) {
      s.onUnpublish(this);
    }
    if (endNow) {
      graceOver(generation);
    }
  }

  /** The reconnect grace passed: unless a publisher came back meanwhile, the stream has ended. */
  private void graceOver(long generation) {
    synchronized (this) {
      if (generation != graceGeneration || publisher != null) {
        return;
      }
      grace = null;
      fanOut(Notice.ENDED);
    }
    for (StreamSink s : hub.sinks()) {
      s.onEnd(this);
    }
    removeIfUnused();
  }

  private void endPublisher() {
    metadata = null;
    videoConfig = null;
    audioConfig = null;
    gop.clear();
    gopBytes = 0;
  }

  /**
   * A frame from publisher {@code p} (ignored if {@code p} no longer owns the stream). Called on
   * the publisher's event loop.
   */
  public void onFrame(Publisher p, int type, long timestamp, byte[] payload) {
    MediaFrame f;
    synchronized (this) {
      if (publisher != p) {
        return;
      }
      long ts;
      if (type == MessageType.DATA_AMF0) {
        // onMetaData goes out at time 0, as nginx-rtmp sends it: players read it as metadata only
        // there (GStreamer repeats it mid-stream, and libavformat makes a later one a data stream).
        // Other data messages are timed like the media around them.
        ts = isMetadata(payload) ? 0 : needOffset ? lastOutTimestamp : Math.max(0, timestamp + timestampOffset);
      } else {
        if (needOffset) {
          // A new publisher of a stream viewers already follow: continue the timeline, never go back.
          timestampOffset = lastOutTimestamp + 1 - timestamp;
          needOffset = false;
        }
        ts = Math.max(0, timestamp + timestampOffset);
        lastOutTimestamp = Math.max(lastOutTimestamp, ts);
      }
      f = new MediaFrame(type, ts, payload, ++sequence);
      remember(f);
      fanOut(f);
    }
    hub.metrics().frameIn(f);
    stats.frame(f);
    for (StreamSink s : hub.sinks()) {
      s.onFrame(this, f);
    }
  }

  private void remember(MediaFrame f) {
    if (f.type() == MessageType.DATA_AMF0) {
      if (isMetadata(f.payload())) {
        metadata = f;
      }
      return;
    }
    if (f.isConfig()) {
      if (f.isVideo()) {
        videoConfig = f;
      } else {
        audioConfig = f;
      }
      return;
    }
    if (!hub.settings().gopCache()) {
      return;
    }
    if (f.isKeyframe()) {
      gop.clear();
      gopBytes = 0;
    } else if (gop.isEmpty()) {
      return; // nothing before the first keyframe is useful to a new viewer
    }
    gop.add(f);
    gopBytes += f.payload().length;
    if (gop.size() > hub.settings().gopMaxFrames() || gopBytes > hub.settings().gopMaxBytes()) {
      // A GOP too long to cache: new viewers wait for the next keyframe instead.
      gop.clear();
      gopBytes = 0;
    }
  }

  /** Whether a data message is onMetaData (AMF0 string marker, length 10, the name). */
  static boolean isMetadata(byte[] p) {
    return p.length > 13 && p[0] == 2 && p[1] == 0 && p[2] == 10
        && new String(p, 3, 10, StandardCharsets.US_ASCII).equals("onMetaData");
  }

  private void fanOut(Object item) {
    for (ViewerGroup g : groups.values()) {
      g.enqueue(item);
    }
  }

  /** Joins a viewer; called on the viewer's event loop. False when the stream was being removed. */
  boolean join(Viewer v) {
    JoinSnapshot snapshot;
    synchronized (this) {
      if (removed) {
        return false;
      }
      List<MediaFrame> frames = new ArrayList<>();
      long firstTs = gop.isEmpty() ? lastOutTimestamp : gop.peekFirst().timestamp();
      if (metadata != null) {
        frames.add(metadata.withTimestamp(0)); // players read onMetaData only at time 0
      }
      if (videoConfig != null) {
        frames.add(videoConfig.withTimestamp(firstTs));
      }
      if (audioConfig != null) {
        frames.add(audioConfig.withTimestamp(firstTs));
      }
      frames.addAll(gop);
      snapshot = new JoinSnapshot(publisher != null, frames, sequence, audioConfig != null || hasAudio(),
          videoConfig != null || hasVideo());
      groups.computeIfAbsent(v.channel().eventLoop(), l -> new ViewerGroup(l, hub.settings().mergeWrites(), hub.time()))
          .viewers.add(v);
      viewers++;
      v.stream = this;
    }
    viewerCounts[v.protocol().ordinal()].incrementAndGet();
    v.begin(snapshot);
    return true;
  }

  private boolean hasAudio() {
    return stats.audioCodec() != null;
  }

  private boolean hasVideo() {
    return stats.videoCodec() != null;
  }

  /** A viewer left. */
  public void leave(Viewer v) {
    synchronized (this) {
      ViewerGroup g = groups.get(v.channel().eventLoop());
      if (g == null || !g.viewers.remove(v)) {
        return;
      }
      viewers--;
    }
    v.stopWatching();
    viewerCounts[v.protocol().ordinal()].decrementAndGet();
    removeIfUnused();
  }

  private void removeIfUnused() {
    synchronized (this) {
      if (publisher != null || viewers > 0 || removed || grace != null) {
        return;
      }
      removed = true;
    }
    hub.remove(this);
  }


  @Override
  public String toString() {
    return "LiveStream[" + key + "]";
  }
}
