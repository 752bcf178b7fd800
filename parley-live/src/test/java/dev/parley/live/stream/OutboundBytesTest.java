package dev.parley.live.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

/** {@link OutboundBytes} reads the same count as the outbound buffer itself, writable or not. */
class OutboundBytesTest {
  private static long truth(Channel ch) {
    return ch.unsafe().outboundBuffer().totalPendingWriteBytes();
  }

  @Test
  void pendingBytesMatchTheOutboundBufferThroughEveryWritabilityState() {
    EmbeddedChannel ch = new EmbeddedChannel();
    ch.config().setOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(1000, 3000));
    assertThat(OutboundBytes.pending(ch)).isZero();
    boolean sawUnwritable = false;
    for (int i = 0; i < 40; i++) {
      ch.write(Unpooled.wrappedBuffer(new byte[37 + i]));
      sawUnwritable |= !ch.isWritable();
      assertThat(OutboundBytes.pending(ch)).as("after write %d (writable: %s)", i, ch.isWritable()).isEqualTo(truth(ch));
    }
    assertThat(sawUnwritable).isTrue();
    ch.flush();
    assertThat(OutboundBytes.pending(ch)).isZero().isEqualTo(truth(ch));
    ch.releaseOutbound();
    ch.finishAndReleaseAll();
  }

  @Test
  void aClosedChannelHasMoreWaitingThanAnyBound() {
    EmbeddedChannel ch = new EmbeddedChannel();
    ch.close();
    assertThat(OutboundBytes.pending(ch)).isEqualTo(OutboundBytes.CLOSED);
  }
}
