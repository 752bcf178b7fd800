package dev.parley.live.hls;

import dev.parley.core.time.TimeSource;
import dev.parley.live.files.LivePaths;
import dev.parley.live.files.SerialExecutor;
import dev.parley.live.media.AacConfig;
import dev.parley.live.media.AvcConfig;
import dev.parley.live.media.Codecs;
import dev.parley.live.media.MediaFrame;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HLS rendition of one stream: muxes H.264 and AAC frames into MPEG-TS segments cut at
 * keyframes (on the publisher's loop), writes each finished segment on the blocking pool, then
 * lists it in a sliding-window playlist.
 *
 * <p>A publisher that leaves finishes its segment, but the playlist stays open: a publisher that
 * comes back (within the reconnect grace, or later) continues it, after an
 * {@code EXT-X-DISCONTINUITY} when its codec configuration differs or its timestamps do not follow
 * on. Only {@link #end()} (the grace passed) adds {@code EXT-X-ENDLIST}.
 *
 * <p>A segment that slides out of the window stays on disk, and is still served, for its own
 * duration plus the playlist's (RFC 8216, section 6.2.2: a player or cache that just read the
 * playlist can still fetch it); {@link #purge} deletes it after that.
 */
final class HlsStream {
  private static final Logger log = LoggerFactory.getLogger(HlsStream.class);
  /** A gap or step back in timestamps larger than this between two publishers is a discontinuity. */
  static final long TIMESTAMP_JUMP_MS = 1000;
  /** What a frame lasts when nothing tells (one frame at 25 fps). */
  private static final long DEFAULT_FRAME_MS = 40;

  final String app;
  final String name;
  private final HlsSettings settings;
  private final Path dir;
  private final SerialExecutor io;
  private final TimeSource time;

  // Publisher loop only.
  private AvcConfig avc;
  private AacConfig aac;
  private byte[] videoConfig;
  private byte[] audioConfig;
  private byte[] previousVideoConfig;
  private byte[] previousAudioConfig;
  private TsMuxer muxer;
  private int muxVideo;
  private int muxAudio;
  private ByteArrayOutputStream segment;
  private long segmentStart;
  private long lastVideoTs = -1;
  private long lastAudioTs = -1;
  private long videoFrameMs = DEFAULT_FRAME_MS;
  private long audioFrameMs = DEFAULT_FRAME_MS;
  private long previousEnd = -1;
  private long nextSequence;
  private boolean newPublisher;
  private boolean discontinuity;

  // Guarded by this.
  private final ArrayDeque<Segment> segments = new ArrayDeque<>();
  private final ArrayDeque<Retired> retired = new ArrayDeque<>();
  private long discontinuitySequence;
  private boolean ended;
  private long endedAtNanos;
  private volatile String playlist;

  /** A segment out of the playlist, kept until {@code deleteAtNanos}. */
  private record Retired(Segment segment, long deleteAtNanos) {}

  HlsStream(String app, String name, HlsSettings settings, SerialExecutor io, TimeSource time) {
    this.app = app;
    this.name = name;
    this.settings = settings;
    this.dir = LivePaths.under(settings.dir(), app);
    LivePaths.under(dir, name + "-0.ts"); // refuses a name that would leave the directory, before any frame
    this.io = io;
    this.time = time;
  }

  void publishStart() {
    avc = null;
    aac = null;
    previousVideoConfig = videoConfig;
    previousAudioConfig = audioConfig;
    videoConfig = null;
    audioConfig = null;
    lastVideoTs = -1;
    lastAudioTs = -1;
    newPublisher = nextSequence > 0;
    io.executeFinally(() -> {
      synchronized (this) {
        if (ended) {
          ended = false;
          render();
        }
      }
    });
  }

  void frame(MediaFrame f) {
    byte[] p = f.payload();
    if (f.isConfig()) {
      if (f.isVideo() && "h264".equals(Codecs.videoCodec(p)) && !Codecs.isEnhancedVideo(p)) {
        avc = AvcConfig.fromTag(p);
        videoConfig = avc == null ? null : p;
      } else if (f.isAudio() && "aac".equals(Codecs.audioCodec(p))) {
        aac = AacConfig.fromTag(p);
        audioConfig = aac == null ? null : p;
      }
      return;
    }
    long ts = f.timestamp();
    long target = settings.targetDuration().toMillis();
    if (f.isVideo()) {
      if (avc == null || Codecs.isEnhancedVideo(p) || p.length < 5 || p[1] != 1) {
        return;
      }
      if (f.isKeyframe() && (segment == null || newPublisher || ts - segmentStart >= target)) {
        cut(ts);
      }
      if (segment == null) {
        return;
      }
      if (lastVideoTs >= 0 && ts > lastVideoTs) {
        videoFrameMs = ts - lastVideoTs;
      }
      lastVideoTs = Math.max(lastVideoTs, ts);
      int cts = ((p[2] << 16) | ((p[3] & 0xFF) << 8) | (p[4] & 0xFF)); // signed 24-bit
      byte[] au = AnnexB.h264(avc, p, 5, f.isKeyframe());
      if (au != null) {
        muxer.writeVideo(segment, ts * 90, (ts + cts) * 90, au, f.isKeyframe());
      }
    } else if (f.isAudio()) {
      if (aac == null || p.length < 3 || (p[0] >> 4 & 0x0F) != 10 || p[1] != 1) {
        return;
      }
      if (avc == null && (segment == null || newPublisher || ts - segmentStart >= target)) {
        cut(ts);
      }
      if (segment == null) {
        return;
      }
      if (lastAudioTs >= 0 && ts > lastAudioTs) {
        audioFrameMs = ts - lastAudioTs;
      }
      lastAudioTs = Math.max(lastAudioTs, ts);
      byte[] adts = new byte[7 + p.length - 2];
      aac.adtsHeader(adts, 0, p.length - 2);
      System.arraycopy(p, 2, adts, 7, p.length - 2);
      muxer.writeAudio(segment, ts * 90, adts);
    }
  }

  private void cut(long ts) {
    if (segment != null) {
      finish(ts);
    }
    int v = avc != null ? TsMuxer.STREAM_H264 : 0;
    int a = aac != null ? TsMuxer.STREAM_AAC : 0;
    boolean tracksChanged = muxer != null && (v != muxVideo || a != muxAudio);
    if (muxer == null || tracksChanged) {
      muxer = new TsMuxer(v, a);
      muxVideo = v;
      muxAudio = a;
    }
    if (newPublisher) {
      boolean jump = previousEnd >= 0 && Math.abs(ts - previousEnd) > TIMESTAMP_JUMP_MS;
      boolean configChanged = !Arrays.equals(videoConfig, previousVideoConfig)
          || !Arrays.equals(audioConfig, previousAudioConfig);
      discontinuity = jump || configChanged || tracksChanged;
      newPublisher = false;
    } else {
      discontinuity = discontinuity || tracksChanged;
    }
    segment = new ByteArrayOutputStream(256 * 1024);
    muxer.writeTables(segment);
    segmentStart = ts;
  }

  private void finish(long endTs) {
    byte[] bytes = segment.toByteArray();
    segment = null;
    previousEnd = endTs;
    double duration = Math.max(1, endTs - segmentStart) / 1000.0;
    long seq = nextSequence++;
    Path file = LivePaths.under(dir, name + "-" + seq + ".ts");
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
    synchronized (this) {
      segments.add(s);
      if (segments.size() > settings.window()) {
        double listed = -s.duration(); // the playlist that held the leaving segment: all but the new one
        for (Segment x : segments) {
          listed += x.duration();
        }
        Segment out = segments.poll();
        if (out.discontinuity()) {
          discontinuitySequence++; // RFC 8216, 6.2.1: its tag left the playlist
        }
        long keep = (long) ((out.duration() + listed) * 1e9);
        retired.add(new Retired(out, time.nanoTime() + keep));
      }
      render();
    }
    purge(time.nanoTime());
  }

  /**
   * The publisher left: its last segment is finished, up to the end of its last frame (of video,
   * which cuts the segments, or of audio in an audio-only stream); the playlist stays open.
   */
  void unpublish() {
    if (segment != null) {
      finish(lastVideoTs >= segmentStart ? lastVideoTs + videoFrameMs
          : Math.max(lastAudioTs, segmentStart) + audioFrameMs);
    }
  }

  /** The stream ended (no publisher back within the grace): the playlist gets its end tag. */
  void end() {
    io.executeFinally(() -> {
      synchronized (this) {
        ended = true;
        endedAtNanos = time.nanoTime();
        render();
      }
    });
  }

  /** Whether the stream ended longer than the linger time ago. */
  synchronized boolean expired() {
    return ended && time.nanoTime() - endedAtNanos > settings.linger().toNanos();
  }

  /** Deletes the segments that left the playlist long enough ago (any thread). */
  void purge(long nowNanos) {
    List<Path> due = new ArrayList<>();
    synchronized (this) {
      for (Iterator<Retired> it = retired.iterator(); it.hasNext();) {
        Retired r = it.next();
        if (r.deleteAtNanos() > nowNanos) {
          break; // in order of retirement: a later one may wait a little longer, never less
        }
        it.remove();
        due.add(r.segment().file());
      }
    }
    if (!due.isEmpty()) {
      io.executeFinally(() -> due.forEach(HlsStream::delete));
    }
  }

  /** Deletes every segment file (after expiry or at shutdown). */
  void deleteAll() {
    io.executeFinally(() -> {
      synchronized (this) {
        for (Segment s : segments) {
          delete(s.file());
        }
        for (Retired r : retired) {
          delete(r.segment().file());
        }
        segments.clear();
        retired.clear();
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
    if (discontinuitySequence > 0) {
      b.append("#EXT-X-DISCONTINUITY-SEQUENCE:").append(discontinuitySequence).append('\n');
    }
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

  /** The file of a segment still listed, or out of the playlist but still kept; else null. */
  synchronized Path segmentFile(long sequence) {
    for (Segment s : segments) {
      if (s.sequence() == sequence) {
        return s.file();
      }
    }
    for (Retired r : retired) {
      if (r.segment().sequence() == sequence) {
        return r.segment().file();
      }
    }
    return null;
  }
}
