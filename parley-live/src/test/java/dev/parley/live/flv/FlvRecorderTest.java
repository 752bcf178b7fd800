package dev.parley.live.flv;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.core.testing.ManualTime;
import dev.parley.live.media.Flv;
import dev.parley.live.media.MediaFrame;
import dev.parley.live.rtmp.chunk.MessageType;
import dev.parley.live.stream.LiveStream;
import dev.parley.live.stream.StreamHub;
import dev.parley.live.stream.TestStreams;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FlvRecorderTest {
  private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
  private final ManualTime time = new ManualTime();
  /** A blocking pool that runs nothing until the test says: the disk "falls behind". */
  private final ArrayDeque<Runnable> held = new ArrayDeque<>();
  private final Executor pool = held::add;

  @AfterEach
  void stop() {
    timers.shutdownNow();
  }

  private void runHeld() {
    for (Runnable r = held.poll(); r != null; r = held.poll()) {
      r.run();
    }
  }

  @Test
  void aRecordingWhoseQueueIsFullIsStillClosedAndComplete(@TempDir Path dir) throws Exception {
    StreamHub hub = TestStreams.hub(time, timers);
    LiveStream s = TestStreams.published(hub, "live", "cam", TestStreams.publisher());
    FlvRecorder rec = new FlvRecorder(dir, pool, time, 4);
    rec.onPublishStart(s); // queued: opening the file
    MediaFrame[] frames = new MediaFrame[10];
    for (int i = 0; i < frames.length; i++) {
      frames[i] = new MediaFrame(MessageType.AUDIO, i * 20L, new byte[] {(byte) 0xAF, 1, (byte) i}, i + 1);
      rec.onFrame(s, frames[i]); // three fit behind the open; the rest are dropped (the queue bound)
    }
    rec.onUnpublish(s); // the close must not be dropped with them
    runHeld();
    Path file;
    try (Stream<Path> files = Files.list(dir.resolve("live"))) {
      file = files.findFirst().orElseThrow();
    }
    assertThat(file.getFileName().toString()).isEqualTo("cam-20260601-120000.flv"); // named by the server's clock
    // Closed, so flushed: the header and the three frames that were queued, nothing lost in a buffer.
    long expected = Flv.header(true, true).length + 3L * frames[0].flvTag().length;
    assertThat(Files.size(file)).isEqualTo(expected);
  }

  @Test
  void aTakeoverClosesThePreviousRecordingEvenWhenItsQueueIsFull(@TempDir Path dir) throws Exception {
    StreamHub hub = TestStreams.hub(time, timers);
    LiveStream s = TestStreams.published(hub, "live", "cam", TestStreams.publisher());
    FlvRecorder rec = new FlvRecorder(dir, pool, time, 2);
    rec.onPublishStart(s);
    for (int i = 0; i < 5; i++) {
      rec.onFrame(s, new MediaFrame(MessageType.AUDIO, i * 20L, new byte[] {(byte) 0xAF, 1, (byte) i}, i + 1));
    }
    time.advance(java.time.Duration.ofSeconds(1)); // the next file gets another name
    rec.onPublishStart(s); // a new publisher took the stream over: a new file, the old one closed
    runHeld();
    try (Stream<Path> files = Files.list(dir.resolve("live"))) {
      Path first = files.sorted().findFirst().orElseThrow();
      assertThat(first.getFileName().toString()).isEqualTo("cam-20260601-120000.flv");
      assertThat(Files.size(first)).isEqualTo(Flv.header(true, true).length + 18L); // header and one 18-byte tag
    }
  }
}
