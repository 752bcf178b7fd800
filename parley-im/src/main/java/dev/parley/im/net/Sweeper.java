package dev.parley.im.net;

import dev.parley.core.time.TimeSource;
import dev.parley.im.config.ImSettings;
import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Connection timers without a timer per connection: each event loop keeps a list of its
 * connections and checks their deadlines (login, idle, token expiry) a few times a second. An idle
 * connection then costs one list slot instead of scheduled tasks.
 */
final class Sweeper {
  /** What the sweeper checks on each connection. */
  interface Swept {
    /** Event loop: check deadlines at {@code nowNanos} and close if one passed. */
    void sweep(long nowNanos, long nowMillis);

    int sweepIndex();

    void sweepIndex(int index);
  }

  private final Map<EventLoop, LoopList> loops = new ConcurrentHashMap<>();
  private final Duration period;
  private final TimeSource time;

  /**
   * A fifth of the shortest deadline (login or idle timeout), between 20 ms and a second: often
   * enough that a deadline is noticed soon after it passes.
   */
  static Duration periodFor(ImSettings settings) {
    Duration shortest = settings.loginTimeout().compareTo(settings.idleTimeout()) < 0 ? settings.loginTimeout()
        : settings.idleTimeout();
    Duration fifth = shortest.dividedBy(5);
    Duration min = Duration.ofMillis(20);
    Duration max = Duration.ofSeconds(1);
    return fifth.compareTo(min) < 0 ? min : fifth.compareTo(max) > 0 ? max : fifth;
  }

  Sweeper(Duration period, TimeSource time) {
    this.period = period;
    this.time = time;
  }

  /** Event loop of {@code s}: starts watching it. */
  void add(EventLoop loop, Swept s) {
    loops.computeIfAbsent(loop, l -> new LoopList(l)).add(s);
  }

  /** Event loop of {@code s}: stops watching it. */
  void remove(EventLoop loop, Swept s) {
    LoopList list = loops.get(loop);
    if (list != null) {
      list.remove(s);
    }
  }

  private final class LoopList implements Runnable {
    private final ArrayList<Swept> items = new ArrayList<>();
    private final EventLoop loop;
    private boolean scheduled;

    LoopList(EventLoop loop) {
      this.loop = loop;
    }

    void add(Swept s) {
      s.sweepIndex(items.size());
      items.add(s);
      if (!scheduled) {
        scheduled = true;
        time.every(loop, this, period);
      }
    }

    void remove(Swept s) {
      int i = s.sweepIndex();
      if (i < 0 || i >= items.size() || items.get(i) != s) {
        return;
      }
      Swept last = items.remove(items.size() - 1);
      if (last != s) {
        items.set(i, last);
        last.sweepIndex(i);
      }
      s.sweepIndex(-1);
    }

    @Override
    public void run() {
      long nanos = time.nanoTime();
      long millis = time.millis();
      // Iterate backwards: a sweep may close a connection, which removes it (swapping in the last).
      for (int i = items.size() - 1; i >= 0; i--) {
        if (i < items.size()) {
          items.get(i).sweep(nanos, millis);
        }
      }
    }
  }
}
