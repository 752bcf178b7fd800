package dev.parley.client.net;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Iterator;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One thread with a {@link Selector}: it does the socket I/O of its clients and runs their tasks,
 * so the state of a client is only ever touched by this thread and needs no locks. Many clients
 * can share one loop (the reconnect-storm benchmark runs thousands on two).
 */
public final class IoLoop implements Executor, AutoCloseable {
  private static final Logger log = Logger.getLogger(IoLoop.class.getName());

  /** What a registered channel wants done when it is ready. */
  interface Handler {
    /** On the loop: the channel is ready for {@code readyOps}. */
    void ready(SelectionKey key, int readyOps);
  }

  private final Selector selector;
  private final Thread thread;
  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean wakeup = new AtomicBoolean();
  /** Scratch for socket reads: reads are handled to the end before the next one starts. */
  private final ByteBuffer readBuffer = ByteBuffer.allocate(64 * 1024);
  private volatile boolean closed;

  public IoLoop(String name) {
    try {
      selector = Selector.open();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    thread = new Thread(this::run, name);
    thread.setDaemon(true);
    thread.start();
  }

  /** Whether the caller is this loop's thread. */
  public boolean inLoop() {
    return Thread.currentThread() == thread;
  }

  /** Runs {@code task} on the loop, after what is queued. */
  @Override
  public void execute(Runnable task) {
    tasks.add(task);
    if (!inLoop() && wakeup.compareAndSet(false, true)) {
      selector.wakeup();
    }
  }

  /** On the loop: the shared read buffer, cleared. */
  ByteBuffer readBuffer() {
    assert inLoop();
    return readBuffer.clear();
  }

  /** On the loop: registers a channel for {@code ops}. */
  SelectionKey register(SelectableChannel ch, int ops, Handler handler) throws ClosedChannelException {
    assert inLoop();
    return ch.register(selector, ops, handler);
  }

  private void run() {
    while (!closed) {
      try {
        runTasks();
        if (tasks.isEmpty()) {
          selector.select();
        } else {
          selector.selectNow();
        }
        wakeup.set(false);
        Iterator<SelectionKey> it = selector.selectedKeys().iterator();
        while (it.hasNext()) {
          SelectionKey key = it.next();
          it.remove();
          try {
            if (key.isValid()) {
              ((Handler) key.attachment()).ready(key, key.readyOps());
            }
          } catch (CancelledKeyException e) {
            // closed while its turn came
          }
        }
      } catch (IOException | RuntimeException e) {
        log.log(Level.WARNING, "I/O loop error", e);
      }
    }
    runTasks();
    try {
      selector.close();
    } catch (IOException e) {
      log.log(Level.FINE, "selector close", e);
    }
  }

  private void runTasks() {
    // Only what is queued now: a task that queues another must not starve the sockets.
    for (int n = tasks.size(); n > 0; n--) {
      Runnable r = tasks.poll();
      if (r == null) {
        return;
      }
      try {
        r.run();
      } catch (Throwable e) {
        log.log(Level.SEVERE, "task failed on the I/O loop", e);
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    selector.wakeup();
  }
}
