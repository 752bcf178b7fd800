package dev.parley.live.stream;

import dev.parley.core.time.TimeSource;
import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The viewers of one stream on one event loop. The publisher hands each frame to the group once;
 * one task on the group's loop then gives every frame that piled up to every viewer and flushes
 * each viewer once, so writes are batched and fan-out costs one task per loop, not per viewer.
 * With a merge window the task runs that long after the first frame of a batch, so several frames
 * go out in one write per viewer (fewer system calls per viewer, a little more latency).
 */
final class ViewerGroup implements Runnable {
  private final EventLoop loop;
  final List<Viewer> viewers = new CopyOnWriteArrayList<>();
  private final Queue<Object> queue = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean scheduled = new AtomicBoolean();

  private final Duration merge;
  private final TimeSource time;

  ViewerGroup(EventLoop loop, Duration merge, TimeSource time) {
    this.loop = loop;
    this.merge = merge;
    this.time = time;
  }

  /** Queues a frame or notice for the group's viewers; any thread. */
  void enqueue(Object item) {
    queue.add(item);
    if (scheduled.compareAndSet(false, true)) {
      if (!merge.isZero()) {
        time.schedule(loop, this, merge);
      } else {
        loop.execute(this);
      }
    }
  }

  @Override
  public void run() {
    scheduled.set(false);
    List<Object> batch = new ArrayList<>();
    for (Object o = queue.poll(); o != null; o = queue.poll()) {
      batch.add(o);
    }
    if (batch.isEmpty()) {
      return;
    }
    for (Viewer v : viewers) {
      for (Object o : batch) {
        v.accept(o);
      }
      v.flushIfDirty();
    }
  }
}
