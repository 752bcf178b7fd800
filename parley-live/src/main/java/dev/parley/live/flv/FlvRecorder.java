package dev.parley.live.flv;

import dev.parley.core.time.TimeSource;
import dev.parley.live.files.LivePaths;
import dev.parley.live.media.Flv;
import dev.parley.live.media.MediaFrame;
import dev.parley.live.stream.LiveStream;
import dev.parley.live.files.SerialExecutor;
import dev.parley.live.stream.StreamSink;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records every published stream to {@code <dir>/<app>/<stream>-<UTC time>.flv}, one file per
 * publish. Frames are written in order on the blocking pool; a disk that falls behind by more than
 * the queue bound loses frames (logged), never the server's memory.
 */
public final class FlvRecorder implements StreamSink {
  private static final Logger log = LoggerFactory.getLogger(FlvRecorder.class);
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

  private final Path dir;
  private final Executor blocking;
  private final TimeSource time;
  private final int maxQueued;
  private final Map<LiveStream, Recording> recordings = new ConcurrentHashMap<>();

  private static final class Recording {
    final SerialExecutor io;
    OutputStream out;
    Path file;
    boolean headerWritten;
    long droppedFrames;

    Recording(SerialExecutor io) {
      this.io = io;
    }
  }

  /** {@code time}'s wall clock names the files. */
  public FlvRecorder(Path dir, Executor blocking, TimeSource time) {
    this(dir, blocking, time, 4096);
  }

  /** {@code maxQueued}: writes one recording may have waiting before frames are dropped. */
  FlvRecorder(Path dir, Executor blocking, TimeSource time, int maxQueued) {
    this.dir = dir;
    this.blocking = blocking;
    this.time = time;
    this.maxQueued = maxQueued;
  }

  @Override
  public void onPublishStart(LiveStream stream) {
    if (stream.publisher() != null && stream.publisher().edge()) {
      return; // a stream pulled from another node is recorded there
    }
    Recording r = new Recording(new SerialExecutor(blocking, maxQueued));
    Recording old = recordings.put(stream, r);
    if (old != null) {
      old.io.executeFinally(() -> close(old));
    }
    Path file;
    try {
      file = LivePaths.under(LivePaths.under(dir, stream.app()), stream.name() + "-" + TIME.format(time.now())
          + ".flv");
    } catch (IllegalArgumentException e) {
      log.error("not recording {}: {}", stream.key(), e.getMessage());
      return;
    }
    r.io.execute(() -> {
      try {
        Files.createDirectories(file.getParent());
        r.out = new BufferedOutputStream(Files.newOutputStream(file), 64 * 1024);
        r.file = file;
        log.info("recording {} to {}", stream.key(), file);
      } catch (IOException e) {
        log.error("cannot record {} to {}: {}", stream.key(), file, e.toString());
      }
    });
  }

  @Override
  public void onFrame(LiveStream stream, MediaFrame frame) {
    Recording r = recordings.get(stream);
    if (r == null) {
      return;
    }
    byte[] tag = frame.flvTag();
    if (!r.io.execute(() -> write(r, tag))) {
      r.droppedFrames++;
      if (r.droppedFrames == 1 || r.droppedFrames % 1000 == 0) {
        log.warn("recording of {} falls behind the disk: {} frames not recorded", stream.key(), r.droppedFrames);
      }
    }
  }

  private static void write(Recording r, byte[] tag) {
    if (r.out == null) {
      return;
    }
    try {
      if (!r.headerWritten) {
        r.out.write(Flv.header(true, true));
        r.headerWritten = true;
      }
      r.out.write(tag);
    } catch (IOException e) {
      log.error("recording to {} failed: {}", r.file, e.toString());
      close(r);
    }
  }

  @Override
  public void onUnpublish(LiveStream stream) {
    Recording r = recordings.remove(stream);
    if (r != null) {
      r.io.executeFinally(() -> close(r));
    }
  }

  private static void close(Recording r) {
    if (r.out != null) {
      try {
        r.out.close();
      } catch (IOException e) {
        log.warn("closing {} failed: {}", r.file, e.toString());
      }
      r.out = null;
    }
  }

  /** Closes every open recording (server stop). */
  public void closeAll() {
    for (LiveStream s : recordings.keySet()) {
      onUnpublish(s);
    }
  }
}
