package dev.parley.live.stream;

import dev.parley.core.time.Cancellable;
import dev.parley.core.time.TimeSource;
import dev.parley.live.media.MediaFrame;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One player of a stream on one connection. Everything here runs on the connection's event loop.
 *
 * <p>Slow viewers: the connection's outbound buffer is the viewer's queue, bounded by
 * {@code maxQueueBytes}. When a video frame would overflow it, the viewer drops video until the
 * next keyframe (and resumes only once the queue has drained to half), so it never sees a broken
 * GOP; audio is kept up to a further quarter of the bound, so sound goes on while the picture
 * catches up. Frames are shared arrays, so many slow viewers hold references, not copies.
 *
 * <p>Stalled viewers: a player that stops reading keeps its connection (and its place in the
 * viewer counts) forever unless someone notices. Every second the viewer looks at the head of its
 * connection's outbound buffer; when bytes are waiting and not one has gone to the socket for
 * {@code live.viewer.stall-timeout}, the connection is closed. An idle viewer (nothing waiting,
 * no publisher) is not stalled.
 */
public abstract class Viewer {
  private static final Logger log = LoggerFactory.getLogger(Viewer.class);
  static final Duration STALL_CHECK = Duration.ofSeconds(1);

  /** The protocols a viewer may play with, for stats. */
  public enum Protocol {
    RTMP, FLV
  }

  protected final Channel channel;
  private final Protocol protocol;
  private final long maxQueueBytes;
  private long lastSequence;
  private boolean needKeyframe = true;
  private boolean dirty;
  private long dropped;
  private long sentFrames;
  LiveStream stream;
  private Cancellable stallCheck = Cancellable.NONE;
  private Object stallHead;
  private long stallProgress;
  private long progressNanos;

  protected Viewer(Channel channel, Protocol protocol, long maxQueueBytes) {
    this.channel = channel;
    this.protocol = protocol;
    this.maxQueueBytes = maxQueueBytes;
  }

  public Protocol protocol() {
    return protocol;
  }

  public Channel channel() {
    return channel;
  }

  /** Frames dropped because this viewer was too slow. */
  public long dropped() {
    return dropped;
  }

  /** The stream this viewer joined, or null. */
  public LiveStream stream() {
    return stream;
  }

  /** Sends what a new viewer gets first. Called by {@link LiveStream#join} on the viewer's loop. */
  void begin(JoinSnapshot snapshot) {
    watchForStall();
    lastSequence = snapshot.lastSequence();
    onJoin(snapshot);
    for (MediaFrame f : snapshot.frames()) {
      if (f.isVideo() && !f.isConfig()) {
        needKeyframe = false;
      }
      write(encode(f));
    }
    flushIfDirty();
  }

  void accept(Object item) {
    if (item instanceof MediaFrame f) {
      deliver(f);
    } else {
      Notice n = (Notice) item;
      if (n == Notice.PUBLISH_START) {
        needKeyframe = true;
      }
      onNotice(n);
    }
  }

  private void deliver(MediaFrame f) {
    if (f.sequence() <= lastSequence || !channel.isActive()) {
      return;
    }
    lastSequence = f.sequence();
    if (f.isConfig() || !(f.isVideo() || f.isAudio())) {
      write(encode(f));
      return;
    }
    long pending = pendingBytes();
    int size = f.payload().length;
    if (f.isVideo()) {
      if (needKeyframe) {
        if (!f.isKeyframe() || pending > maxQueueBytes / 2) {
          drop(f);
          return;
        }
        needKeyframe = false;
      } else if (pending + size > maxQueueBytes) {
        needKeyframe = true;
        drop(f);
        return;
      }
    } else if (pending + size > maxQueueBytes + maxQueueBytes / 4) {
      drop(f);
      return;
    }
    write(encode(f));
  }

  private void watchForStall() {
    TimeSource time = stream.hub().time();
    long limit = stream.hub().settings().viewerStallTimeout().toNanos();
    progressNanos = time.nanoTime();
    stallCheck = time.every(channel.eventLoop(), () -> checkStall(time.nanoTime(), limit), STALL_CHECK);
    channel.closeFuture().addListener(f -> stallCheck.cancel());
  }

  /** Event loop: closes the connection when its queued bytes have not moved for {@code limitNanos}. */
  private void checkStall(long now, long limitNanos) {
    ChannelOutboundBuffer out = channel.unsafe().outboundBuffer();
    if (out == null) {
      stallCheck.cancel(); // closed
      return;
    }
    Object head = out.current();
    long progress = out.currentProgress();
    if (head == null || head != stallHead || progress != stallProgress) {
      stallHead = head;
      stallProgress = progress;
      progressNanos = now;
      return;
    }
    if (now - progressNanos >= limitNanos) {
      stallCheck.cancel();
      stallHead = null;
      log.info("{} viewer {} of {} closed: it took no bytes for {} s", protocol, channel.remoteAddress(),
          stream == null ? "?" : stream.key(), limitNanos / 1_000_000_000L);
      channel.close();
    }
  }

  /** Stops watching for a stall (the viewer left its stream, its connection stays). */
  void stopWatching() {
    stallCheck.cancel();
    stallHead = null;
  }

  private void drop(MediaFrame f) {
    dropped++;
    if (stream != null) {
      stream.hub().metrics().dropped(f);
    }
  }

  private long pendingBytes() {
    ChannelOutboundBuffer out = channel.unsafe().outboundBuffer();
    return out == null ? Long.MAX_VALUE / 2 : out.totalPendingWriteBytes();
  }

  /** Writes without flushing; the group flushes once per batch. */
  protected final void write(ByteBuf buf) {
    sentFrames++;
    dirty = true;
    channel.write(buf, channel.voidPromise());
  }

  void flushIfDirty() {
    if (dirty) {
      dirty = false;
      channel.flush();
    }
  }

  /** Frames written so far. */
  public long sentFrames() {
    return sentFrames;
  }

  /** The bytes of a frame for this viewer's protocol (usually a wrapper of the frame's shared encoding). */
  protected abstract ByteBuf encode(MediaFrame frame);

  /** Writes what comes before the first frame (play status, FLV header). */
  protected abstract void onJoin(JoinSnapshot snapshot);

  /** A publisher came or went. */
  protected abstract void onNotice(Notice notice);
}
