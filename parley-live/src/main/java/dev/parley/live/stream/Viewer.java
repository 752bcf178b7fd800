package dev.parley.live.stream;

import dev.parley.core.time.Cancellable;
import dev.parley.core.time.TimeSource;
import dev.parley.live.media.MediaFrame;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelProgressiveFuture;
import io.netty.channel.ChannelProgressiveFutureListener;
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
 * viewer counts) forever unless someone notices. Every second the viewer looks at what left its
 * connection's outbound buffer since the last look: the bytes it queued minus those still
 * pending ({@link OutboundBytes}) tell whether a write was finished, and a write of
 * {@link #LARGE_WRITE} or more carries a progressive promise, so a large frame the socket takes in
 * pieces counts as moving too. When bytes are waiting and nothing moved for
 * {@code live.viewer.stall-timeout}, the connection is closed. An idle viewer (nothing waiting, no
 * publisher) is not stalled. (A small write taken in pieces counts when it is finished: a viewer
 * must take at least {@link #LARGE_WRITE} per stall timeout to stay.)
 */
public abstract class Viewer {
  private static final Logger log = LoggerFactory.getLogger(Viewer.class);
  static final Duration STALL_CHECK = Duration.ofSeconds(1);
  /**
   * Writes at least this large carry a progressive promise: the socket may take them in pieces over
   * several stall checks. Smaller ones (most frames) go with the void promise, as cheap as a write gets.
   */
  static final int LARGE_WRITE = 16 * 1024;

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
  LiveStream stream;
  private Cancellable stallCheck = Cancellable.NONE;
  /** Bytes this viewer put in the outbound buffer, counted as the buffer counts them (with its overhead). */
  private long queued;
  /** {@code queued} minus the bytes pending, at the last stall check: what had left the buffer by then. */
  private long leftAtCheck;
  /** The bytes pending at the last stall check (0 before the first: bytes that appear since count as a move). */
  private long pendingAtCheck;
  /** Whether the socket took part of a large write since the last stall check. */
  private boolean moved;
  private final ChannelProgressiveFutureListener progress = new ChannelProgressiveFutureListener() {
    /** Event loop: part of a write went to the socket. */
    @Override
    public void operationProgressed(ChannelProgressiveFuture future, long done, long total) {
      moved = true;
    }

    /** Event loop: a write went to the socket whole, or failed (to the exception handlers, as with a void promise). */
    @Override
    public void operationComplete(ChannelProgressiveFuture future) {
      if (future.isSuccess()) {
        moved = true;
      } else if (channel.isRegistered()) {
        channel.pipeline().fireExceptionCaught(future.cause());
      }
    }
  };
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
    pendingAtCheck = 0;
    stallCheck = time.every(channel.eventLoop(), () -> checkStall(time.nanoTime(), limit), STALL_CHECK);
    channel.closeFuture().addListener(f -> stallCheck.cancel());
  }

  /** Event loop: closes the connection when its queued bytes have not moved for {@code limitNanos}. */
  private void checkStall(long now, long limitNanos) {
    if (!channel.isOpen()) {
      stallCheck.cancel();
      return;
    }
    long pending = OutboundBytes.pending(channel);
    long left = queued - pending;
    boolean progress = moved || pending == 0 || pendingAtCheck == 0 || left > leftAtCheck;
    moved = false;
    leftAtCheck = left;
    pendingAtCheck = pending;
    if (progress) {
      progressNanos = now;
      return;
    }
    if (now - progressNanos >= limitNanos) {
      stallCheck.cancel();
      log.info("{} viewer {} of {} closed: it took no bytes for {} s", protocol, channel.remoteAddress(),
          stream == null ? "?" : stream.key(), limitNanos / 1_000_000_000L);
      channel.close();
    }
  }

  /** Stops watching for a stall (the viewer left its stream, its connection stays). */
  void stopWatching() {
    stallCheck.cancel();
  }

  private void drop(MediaFrame f) {
    dropped++;
    if (stream != null) {
      stream.hub().metrics().dropped(f);
    }
  }

  private long pendingBytes() {
    return OutboundBytes.pending(channel);
  }

  /** Writes without flushing; the group flushes once per batch. */
  protected final void write(ByteBuf buf) {
    dirty = true;
    long before = OutboundBytes.pending(channel);
    if (buf.readableBytes() >= LARGE_WRITE) {
      channel.write(buf, channel.newProgressivePromise().addListener(progress));
    } else {
      channel.write(buf, channel.voidPromise());
    }
    queued += OutboundBytes.pending(channel) - before;
  }

  void flushIfDirty() {
    if (dirty) {
      dirty = false;
      channel.flush();
    }
  }

  /** The bytes of a frame for this viewer's protocol (usually a wrapper of the frame's shared encoding). */
  protected abstract ByteBuf encode(MediaFrame frame);

  /** Writes what comes before the first frame (play status, FLV header). */
  protected abstract void onJoin(JoinSnapshot snapshot);

  /** A publisher came or went. */
  protected abstract void onNotice(Notice notice);
}
