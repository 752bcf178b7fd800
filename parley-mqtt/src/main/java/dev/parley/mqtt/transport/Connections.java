package dev.parley.mqtt.transport;

import dev.parley.core.time.Cancellable;
import dev.parley.core.time.TimeSource;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Every open MQTT connection, by event loop, and their deadlines (the CONNECT timeout, then 1.5
 * times the keepalive) without a timer per connection: each loop keeps its connections in a heap
 * ordered by when each must next be looked at, and one timer, set for the earliest.
 *
 * <p>A packet only notes its time on the connection; the heap is not touched. When the timer
 * fires, each connection that was due says when it is really due now: a silent one times out at
 * exactly its deadline, a busy one moves back in the heap. An idle connection so costs two array
 * slots, and a packet costs nothing here. The heap also is the list of open connections that
 * shutdown goes through. Each loop's heap is touched on that loop only.
 */
final class Connections {
  /** What the heap holds: a connection, as its deadlines see it. Its event loop only. */
  interface Timed {
    /** Monotonic nanoseconds when it must be looked at next, {@link Long#MAX_VALUE} for never. */
    long dueNanos();

    /** Its deadline passed: close. It stays here (due never) until it is removed. */
    void timedOut();

    /** The server is going away: tell the client if the protocol can, and close. */
    void shutdown();

    /** Completes when the connection has closed. */
    Future<?> closeFuture();

    /** Its place in the heap, -1 when in none; kept by the heap. */
    int slot();

    void slot(int slot);
  }

  private final TimeSource time;
  private final Map<EventExecutor, Loop> loops = new ConcurrentHashMap<>();
  private final AtomicInteger open = new AtomicInteger();

  Connections(TimeSource time) {
    this.time = time;
  }

  /** {@code t} is open on {@code loop}; called there. */
  void add(EventExecutor loop, Timed t) {
    open.incrementAndGet();
    loops.computeIfAbsent(loop, Loop::new).add(t);
  }

  /** {@code t} closed; called on its loop. */
  void remove(EventExecutor loop, Timed t) {
    Loop l = loops.get(loop);
    if (l != null && l.remove(t)) {
      open.decrementAndGet();
    }
  }

  /** The deadline of {@code t} moved earlier; called on its loop. */
  void changed(EventExecutor loop, Timed t) {
    Loop l = loops.get(loop);
    if (l != null) {
      l.update(t);
    }
  }

  /** Connections open now. Any thread. */
  int open() {
    return open.get();
  }

  /** Shuts every open connection down and waits up to {@code wait} for them to close. */
  void shutdownAll(Duration wait) {
    long deadline = time.nanoTime() + wait.toNanos();
    List<Future<List<Future<?>>>> asked = new ArrayList<>();
    for (Loop l : loops.values()) {
      asked.add(l.executor.submit(l::shutdownAll));
    }
    for (Future<List<Future<?>>> f : asked) {
      if (!f.awaitUninterruptibly(remainingMillis(deadline)) || !f.isSuccess()) {
        continue;
      }
      for (Future<?> closed : f.getNow()) {
        closed.awaitUninterruptibly(remainingMillis(deadline));
      }
    }
  }

  private long remainingMillis(long deadline) {
    return Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - time.nanoTime()));
  }

  /** The heap of one event loop, and its timer. */
  private final class Loop implements Runnable {
    private final EventExecutor executor;
    private Timed[] items = new Timed[16];
    private long[] keys = new long[16];
    private int size;
    private Cancellable timer = Cancellable.NONE;
    private long timerAt = Long.MAX_VALUE;

    Loop(EventExecutor executor) {
      this.executor = executor;
    }

    void add(Timed t) {
      assert executor.inEventLoop();
      if (size == items.length) {
        items = Arrays.copyOf(items, size * 2);
        keys = Arrays.copyOf(keys, size * 2);
      }
      place(t, t.dueNanos(), size++);
      up(t.slot());
      arm();
    }

    boolean remove(Timed t) {
      assert executor.inEventLoop();
      int i = t.slot();
      if (i < 0 || i >= size || items[i] != t) {
        return false;
      }
      int last = --size;
      if (i != last) {
        place(items[last], keys[last], i);
        items[last] = null;
        fix(i);
      } else {
        items[last] = null;
      }
      t.slot(-1);
      // The timer may now fire for nothing; it then sets itself for the new earliest.
      return true;
    }

    void update(Timed t) {
      int i = t.slot();
      if (i >= 0 && i < size && items[i] == t) {
        keys[i] = t.dueNanos();
        fix(i);
        arm();
      }
    }

    List<Future<?>> shutdownAll() {
      List<Timed> all = new ArrayList<>(Arrays.asList(items).subList(0, size));
      List<Future<?>> closing = new ArrayList<>(all.size());
      for (Timed t : all) {
        closing.add(t.closeFuture());
        t.shutdown();
      }
      return closing;
    }

    @Override
    public void run() {
      timer = Cancellable.NONE;
      timerAt = Long.MAX_VALUE;
      long now = time.nanoTime();
      while (size > 0 && keys[0] <= now) {
        Timed t = items[0];
        long due = t.dueNanos();
        if (due <= now) {
          keys[0] = Long.MAX_VALUE;
          down(0);
          t.timedOut();
        } else {
          keys[0] = due;
          down(0);
        }
      }
      arm();
    }

    /** Sets the timer for the earliest key, unless it is already set at or before it. */
    private void arm() {
      if (size == 0 || keys[0] == Long.MAX_VALUE || keys[0] >= timerAt) {
        return;
      }
      timer.cancel();
      timerAt = keys[0];
      timer = time.schedule(executor, this, Duration.ofNanos(Math.max(0, timerAt - time.nanoTime())));
    }

    private void place(Timed t, long key, int i) {
      items[i] = t;
      keys[i] = key;
      t.slot(i);
    }

    private void fix(int i) {
      if (i > 0 && keys[i] < keys[(i - 1) / 2]) {
        up(i);
      } else {
        down(i);
      }
    }

    private void up(int i) {
      Timed t = items[i];
      long key = keys[i];
      while (i > 0) {
        int parent = (i - 1) / 2;
        if (keys[parent] <= key) {
          break;
        }
        place(items[parent], keys[parent], i);
        i = parent;
      }
      place(t, key, i);
    }

    private void down(int i) {
      Timed t = items[i];
      long key = keys[i];
      while (true) {
        int child = 2 * i + 1;
        if (child >= size) {
          break;
        }
        if (child + 1 < size && keys[child + 1] < keys[child]) {
          child++;
        }
        if (keys[child] >= key) {
          break;
        }
        place(items[child], keys[child], i);
        i = child;
      }
      place(t, key, i);
    }
  }
}
