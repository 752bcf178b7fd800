package dev.parley.client;

import dev.parley.client.net.IoLoop;
import dev.parley.client.time.Scheduler;
import dev.parley.client.time.SystemScheduler;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads clients run on: I/O loops (each client lives on one; its state is only touched
 * there), a scheduler for every timer, a thread that calls the app's listeners in order, and a
 * small pool for blocking work (name lookups, saving cursors). One runtime serves any number of
 * clients; {@link #shared()} is used unless a client is given another. All threads are daemons.
 */
public final class ClientRuntime implements AutoCloseable {
  private static volatile ClientRuntime shared;

  private final IoLoop[] loops;
  private final AtomicInteger next = new AtomicInteger();
  private final Scheduler scheduler;
  private final Executor callbacks;
  private final ExecutorService blocking;
  private final boolean ownScheduler;
  private final ExecutorService ownCallbacks;
  /** HTTP clients for WebSocket links, by TLS context; untyped so java.net.http loads only when used. */
  private final Map<Object, Object> httpClients = new ConcurrentHashMap<>();

  private ClientRuntime(Builder b) {
    loops = new IoLoop[b.ioThreads];
    for (int i = 0; i < loops.length; i++) {
      loops[i] = new IoLoop(b.name + "-io-" + i);
    }
    ownScheduler = b.scheduler == null;
    scheduler = ownScheduler ? new SystemScheduler() : b.scheduler;
    ownCallbacks = b.callbacks == null ? Executors.newSingleThreadExecutor(daemon(b.name + "-callbacks")) : null;
    callbacks = b.callbacks != null ? b.callbacks : ownCallbacks;
    blocking = Executors.newCachedThreadPool(daemon(b.name + "-blocking"));
  }

  /** The runtime clients use unless told otherwise: one I/O thread, real time. */
  public static ClientRuntime shared() {
    ClientRuntime r = shared;
    if (r == null) {
      synchronized (ClientRuntime.class) {
        r = shared;
        if (r == null) {
          r = builder().name("parley-client").build();
          shared = r;
        }
      }
    }
    return r;
  }

  /** A builder for a runtime of one's own (its threads end with {@link #close()}). */
  public static Builder builder() {
    return new Builder();
  }

  IoLoop nextLoop() {
    return loops[Math.floorMod(next.getAndIncrement(), loops.length)];
  }

  /** The scheduler every timer of this runtime's clients goes through. */
  public Scheduler scheduler() {
    return scheduler;
  }

  Executor callbacks() {
    return callbacks;
  }

  Executor blocking() {
    return blocking;
  }

  Map<Object, Object> httpClients() {
    return httpClients;
  }

  /** Stops the threads. Clients on this runtime must be closed first. */
  @Override
  public void close() {
    for (IoLoop l : loops) {
      l.close();
    }
    if (ownScheduler && scheduler instanceof SystemScheduler s) {
      s.close();
    }
    if (ownCallbacks != null) {
      ownCallbacks.shutdown();
    }
    blocking.shutdown();
  }

  private static ThreadFactory daemon(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** Builds a {@link ClientRuntime}. */
  public static final class Builder {
    private int ioThreads = 1;
    private Scheduler scheduler;
    private Executor callbacks;
    private String name = "parley-client";

    /** I/O loops to spread clients over (default 1; a handful of clients need no more). */
    public Builder ioThreads(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("ioThreads must be at least 1");
      }
      this.ioThreads = n;
      return this;
    }

    /** The timer (default: real time; tests pass a {@link dev.parley.client.time.ManualScheduler}). */
    public Builder scheduler(Scheduler s) {
      this.scheduler = s;
      return this;
    }

    /**
     * Where listeners and result futures are called (default: one thread of the runtime, in order).
     * An Android app passes its main thread's executor. It must run tasks in the order given.
     */
    public Builder callbackExecutor(Executor e) {
      this.callbacks = e;
      return this;
    }

    /** Prefix of thread names. */
    public Builder name(String n) {
      this.name = n;
      return this;
    }

    /** Starts the runtime's threads. */
    public ClientRuntime build() {
      return new ClientRuntime(this);
    }
  }
}
