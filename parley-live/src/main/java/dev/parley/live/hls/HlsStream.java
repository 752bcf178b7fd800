package dev.parley.live.hls;

import dev.parley.live.media.AacConfig;
import dev.parley.live.media.AvcConfig;
import dev.parley.live.media.Codecs;
import dev.parley.live.media.MediaFrame;
import dev.parley.live.stream.SerialExecutor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HLS rendition of one stream: muxes H.264 and AAC frames into MPEG-TS segments cut at
 * keyframes (on the publisher's loop), writes each finished segment on the blocking pool, then
 * lists it in a sliding-window playlist and deletes the segment that falls out of the window.
 * A new publisher continues the same playlist after a discontinuity; the end of the stream ends
 * the playlist.
 */
final class HlsStream {
  private static final Logger log = LoggerFactory.getLogger(HlsStream.class);

  final String app;
  final String name;
  private final HlsSettings settings;
  private final Path dir;
  private final SerialExecutor io;

  // Publisher loop only.
  private AvcConfig avc;
  private AacConfig aac;
  private TsMuxer muxer;
  private int muxVideo;
  private int muxAudio;
  private ByteArrayOutputStream segment;
  private long segmentStart;
  private long lastTs;
  private long nextSequence;
  private boolean discontinuity;

  // Guarded by this.
  private final ArrayDeque<Segment> segments = new ArrayDeque<>();
  private boolean ended;
  private long endedAtNanos;
  private volatile String playlist;

  HlsStream(String app, String name, HlsSettings settings, SerialExecutor io) {
    this.app = app;
    this.name = name;
    this.settings = settings;
    this.dir = settings.dir().resolve(app);
    this.io = io;
  }

  void publishStart() {
    avc = null;
    aac = null;
    discontinuity = nextSequence > 0;
    io.execute(() -> {
      synchronized (this) {
        ended = false;
        render();
      }
    });
  }

  void frame(MediaFrame f) {
    byte[] p = f.payload();
    if (f.isConfig()) {
      if (f.isVideo() && "h264".equals(Codecs.videoCodec(p)) && !Codecs.isEnhancedVideo(p)) {
        avc = AvcConfig.fromTag(p);
      } else if (f.isAudio() && "aac".equals(Codecs.audioCodec(p))) {
        aac = AacConfig.fromTag(p);
      }
      return;
    }
    long ts = f.timestamp();
    long target = settings.targetDuration().toMillis();
    if (f.isVideo()) {
      if (avc == null || Codecs.isEnhancedVideo(p) || p.length < 5 || p[1] != 1) {
        return;
      }
      if (f.isKeyframe() && (segment == null || ts - segmentStart >= target)) {
        cut(ts);
      }
      if (segment == null) {
        return;
      }
      int cts = ((p[2] << 16) | ((p[3] & 0xFF) << 8) | (p[4] & 0xFF)); // signed 24-bit
      byte[] au = AnnexB.h264(avc, p, 5, f.isKeyframe());
      if (au != null) {
        muxer.writeVideo(segment, ts * 90, (ts + cts) * 90, au, f.isKeyframe());
      }
    } else if (f.isAudio()) {
      if (aac == null || p.length < 3 || (p[0] >> 4 & 0x0F) != 10 || p[1] != 1) {
        return;
      }
      if (avc == null && (segment == null || ts - segmentStart >= target)) {
        cut(ts);
      }
      if (segment == null) {
        return;
      }
      byte[] adts = new byte[7 + p.length - 2];
      aac.adtsHeader(adts, 0, p.length - 2);
      System.arraycopy(p, 2, adts, 7, p.length - 2);
      muxer.writeAudio(segment, ts * 90, adts);
    }
    lastTs = Math.max(lastTs, ts);
  }

  private void cut(long ts) {
    if (segment != null) {
      finish(ts);
    }
    int v = avc != null ? TsMuxer.STREAM_H264 : 0;
    int a = aac != null ? TsMuxer.STREAM_AAC : 0;
    if (muxer == null || v != muxVideo || a != muxAudio) {
      muxer = new TsMuxer(v, a);
      muxVideo = v;
      muxAudio = a;
    }
    segment = new ByteArrayOutputStream(256 * 1024);
    muxer.writeTables(segment);
    segmentStart = ts;
    lastTs = ts;
  }

  private void finish(long endTs) {
    byte[] bytes = segment.toByteArray();
    segment = null;
    double duration = Math.max(0.001, (endTs - segmentStart) / 1000.0);
    long seq = nextSequence++;
    Path file = dir.resolve(name + "-" + seq + ".ts");
    boolean disc = discontinuity;
    discontinuity = false;
    io.execute(() -> {
      try {
        Files.createDirectories(dir);
        Files.write(file, bytes);
      } catch (IOException e) {
        log.error("HLS segment {} not written: {}", file, e.toString());
        return;
      }
      added(new Segment(seq, duration, file, disc));
    });
  }

  private void added(Segment s) {
    Segment dropped = null;
    synchronized (this) {
      segments.add(s);
      if (segments.size() > settings.window()) {
        dropped = segments.poll();
      }
      render();
    }
    if (dropped != null) {
      delete(dropped.file());
    }
  }

  void unpublish() {
    if (segment != null) {
      finish(Math.max(lastTs, segmentStart + 1));
    }
    io.execute(() -> {
      synchronized (this) {
        ended = true;
        endedAtNanos = System.nanoTime();
        render();
      }
    });
  }

  /** Whether the stream ended longer than the linger time ago. */
  synchronized boolean expired() {
    return ended && System.nanoTime() - endedAtNanos > settings.linger().toNanos();
  }

  /** Deletes every segment file (after expiry or at shutdown). */
  void deleteAll() {
    io.execute(() -> {
      synchronized (this) {
        for (Segment s : segments) {
          delete(s.file());
        }
        segments.clear();
        playlist = null;
      }
    });
  }

  private static void delete(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      log.warn("old HLS segment {} not deleted: {}", p, e.toString());
    }
  }

  private void render() {
    if (segments.isEmpty()) {
      playlist = null;
      return;
    }
    double max = 0;
    for (Segment s : segments) {
      max = Math.max(max, s.duration());
    }
    long target = Math.max((long) Math.ceil(max), (long) Math.ceil(settings.targetDuration().toMillis() / 1000.0));
    StringBuilder b = new StringBuilder(256);
    b.append("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:").append(target)
        .append("\n#EXT-X-MEDIA-SEQUENCE:").append(segments.peekFirst().sequence()).append('\n');
    for (Segment s : segments) {
      if (s.discontinuity()) {
        b.append("#EXT-X-DISCONTINUITY\n");
      }
      b.append("#EXTINF:").append(String.format(Locale.ROOT, "%.3f", s.duration())).append(",\n")
          .append(name).append('-').append(s.sequence()).append(".ts\n");
    }
    if (ended) {
      b.append("#EXT-X-ENDLIST\n");
    }
    playlist = b.toString();
  }

  /** The current playlist, or null before the first segment. */
  String playlist() {
    return playlist;
  }

  /** Whether a segment with this sequence is in the playlist, and its file. */
  synchronized Path segmentFile(long sequence) {
    for (Segment s : segments) {
      if (s.sequence() == sequence) {
        return s.file();
      }
    }
    return null;
  }
}
