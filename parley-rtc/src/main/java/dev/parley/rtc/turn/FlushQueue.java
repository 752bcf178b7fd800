package dev.parley.rtc.turn;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.SingleThreadEventLoop;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;

/**
 * Channels of one event loop written to by the relay since the loop last polled. Relayed packets
 * are written without a flush, and every channel written to is flushed once when the loop finishes
 * its iteration (after all ready sockets were read), so packets from many relay sockets to one
 * client socket leave in one sendmmsg. Confined to its event loop.
 */
public final class FlushQueue {
  private final List<Channel> pending = new ArrayList<>();
  private final EventLoop loop;
  private final Runnable flushTask = this::flush;
  private Channel last;
  private boolean scheduled;

  FlushQueue(EventLoop loop) {
    this.loop = loop;
  }

  public void add(Channel ch) {
    if (ch == last) {
      return;
    }
    last = ch;
    if (!pending.contains(ch)) {
      pending.add(ch);
    }
    if (!scheduled) {
      scheduled = true;
      if (loop instanceof SingleThreadEventLoop st) {
        st.executeAfterEventLoopIteration(flushTask);
      } else {
        loop.execute(flushTask);
      }
    }
  }

  /**
   * Writes {@code msg} to {@code ch} for the flush at the end of the iteration, or releases it and
   * returns false when the channel is over its write watermark (relayed data is dropped, not queued).
   */
  public boolean writeIfWritable(Channel ch, Object msg) {
    if (!ch.isWritable()) {
      ReferenceCountUtil.release(msg);
      return false;
    }
    ch.write(msg, ch.voidPromise());
    add(ch);
    return true;
  }

  /** Flushes every channel written to since the last call. */
  public void flush() {
    scheduled = false;
    last = null;
    for (int i = 0; i < pending.size(); i++) {
      pending.get(i).flush();
    }
    pending.clear();
  }
}
