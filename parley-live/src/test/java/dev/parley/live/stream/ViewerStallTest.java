package dev.parley.live.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.core.testing.ManualTime;
import dev.parley.live.media.MediaFrame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The stalled-viewer check on a channel whose "socket" takes exactly what the test allows: a viewer
 * is closed when nothing it queued moves for the stall timeout (30 s here), and only then.
 */
class ViewerStallTest {
  private final ManualTime time = new ManualTime();
  private final Socket ch = new Socket();
  private final StreamHub hub = TestStreams.hub(time, ch.eventLoop());
  private final TestViewer viewer = new TestViewer(ch);

  /** An embedded channel whose writes take at most {@link #take}'s budget, in pieces as a real socket does. */
  static final class Socket extends EmbeddedChannel {
    private long budget;

    Socket() {
      // What was still queued fails when the viewer closes the channel; that is no test failure.
      super(new ChannelInboundHandlerAdapter() {
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
          if (!(cause instanceof ClosedChannelException)) {
            ctx.fireExceptionCaught(cause);
          }
        }
      });
    }

    /** Lets the socket take {@code bytes} of what waits. */
    void take(long bytes) {
      budget = bytes;
      flush();
    }

    @Override
    protected void doWrite(ChannelOutboundBuffer in) {
      while (budget > 0 && in.current() instanceof ByteBuf b) {
        long n = Math.min(budget, b.readableBytes());
        budget -= n;
        in.removeBytes(n);
      }
    }
  }

  /** A viewer whose writes the test makes. */
  static final class TestViewer extends Viewer {
    TestViewer(EmbeddedChannel channel) {
      super(channel, Protocol.FLV, 64L << 20);
    }

    void send(int bytes) {
      write(Unpooled.wrappedBuffer(new byte[bytes]));
    }

    @Override
    protected ByteBuf encode(MediaFrame frame) {
      return Unpooled.wrappedBuffer(frame.payload());
    }

    @Override
    protected void onJoin(JoinSnapshot snapshot) {}

    @Override
    protected void onNotice(Notice notice) {}
  }

  @AfterEach
  void release() {
    ch.finishAndReleaseAll();
  }

  private void seconds(int n, long takenEachSecond) {
    for (int i = 0; i < n; i++) {
      if (takenEachSecond > 0) {
        ch.take(takenEachSecond);
      }
      time.advance(Duration.ofSeconds(1));
    }
  }

  @Test
  void viewerWhoseSocketTakesNothingIsClosedAfterTheStallTimeout() {
    assertThat(hub.play("live", "cam", viewer)).isTrue();
    viewer.send(1000);
    viewer.flushIfDirty();
    seconds(30, 0); // first seen stuck at 1 s: 29 s stuck by now
    assertThat(ch.isOpen()).isTrue();
    seconds(1, 0);
    assertThat(ch.isOpen()).isFalse();
  }

  @Test
  void otherWritesPilingUpOnAStuckSocketAreNotProgress() {
    assertThat(hub.play("live", "cam", viewer)).isTrue();
    viewer.send(1000);
    viewer.flushIfDirty();
    for (int i = 0; i < 31; i++) {
      ch.writeAndFlush(Unpooled.wrappedBuffer(new byte[20])); // a ping from the connection, say
      time.advance(Duration.ofSeconds(1));
    }
    assertThat(ch.isOpen()).isFalse();
  }

  @Test
  void largeFrameTheSocketTakesInPiecesIsNotAStall() {
    assertThat(hub.play("live", "cam", viewer)).isTrue();
    viewer.send(4 << 20);
    viewer.flushIfDirty();
    seconds(60, 8 * 1024); // 480 KiB in a minute: never the whole frame
    assertThat(ch.isOpen()).isTrue();
  }

  @Test
  void smallFramesTheSocketFinishesSlowlyAreNotAStall() {
    assertThat(hub.play("live", "cam", viewer)).isTrue();
    for (int i = 0; i < 200; i++) {
      viewer.send(1000);
    }
    viewer.flushIfDirty();
    seconds(60, 1500);
    assertThat(ch.isOpen()).isTrue();
  }

  @Test
  void viewerWithNothingWaitingIsNeverStalled() {
    assertThat(hub.play("live", "cam", viewer)).isTrue();
    viewer.send(1000);
    viewer.flushIfDirty();
    ch.take(1000);
    seconds(120, 0);
    assertThat(ch.isOpen()).isTrue();
  }
}
