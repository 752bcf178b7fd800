package dev.parley.rtc.turn;

import io.netty.channel.Channel;
import java.util.ArrayList;
import java.util.List;

/**
 * Channels of one event loop written to during the current read batch. Relayed packets are written
 * without a flush and flushed together when the batch ends, so epoll sends them with one sendmmsg.
 * Confined to its event loop.
 */
public final class FlushQueue {
  private final List<Channel> pending = new ArrayList<>();
  private Channel last;

  public void add(Channel ch) {
    if (ch != last) {
      last = ch;
      if (!pending.contains(ch)) {
        pending.add(ch);
      }
    }
  }

  /** Flushes every channel written to since the last call. */
  public void flush() {
    if (pending.isEmpty()) {
      return;
    }
    for (int i = 0; i < pending.size(); i++) {
      pending.get(i).flush();
    }
    pending.clear();
    last = null;
  }
}
