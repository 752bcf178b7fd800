package dev.parley.bench.live;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Recorder;

/**
 * A lightweight player: parses just enough of the stream to count video frames and fingerprint
 * them (no payload copies), and records first-frame time and publisher-to-player latency.
 */
abstract class BenchReader extends ByteToMessageDecoder {
  final FrameClock clock;
  final Recorder latency;
  final long startNanos = System.nanoTime();
  volatile long firstFrameNanos = -1;
  volatile long firstKeyframeNanos = -1;
  final AtomicLong videoFrames = new AtomicLong();
  volatile boolean measuring;
  volatile boolean closed;

  BenchReader(FrameClock clock, Recorder latency) {
    this.clock = clock;
    this.latency = latency;
  }

  /** Called for each video frame with the first bytes of its body. */
  void video(byte[] head, int headLen, int totalLength) {
    long now = System.nanoTime();
    if (firstFrameNanos < 0) {
      firstFrameNanos = now - startNanos;
    }
    boolean key = headLen > 1 && ((head[0] >> 4) & 7) == 1 && head[1] == 1;
    if (key && firstKeyframeNanos < 0) {
      firstKeyframeNanos = now - startNanos;
    }
    videoFrames.incrementAndGet();
    if (measuring) {
      long sent = clock.sentAt(FrameClock.fingerprint(head, 0, headLen, totalLength));
      if (sent > 0 && now >= sent) {
        latency.recordValue(Math.min(now - sent, 60_000_000_000L) / 1000);
      }
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    closed = true;
    super.channelInactive(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (!closed) {
      System.err.println("reader failed: " + cause);
    }
    closed = true;
    ctx.close();
  }
}
