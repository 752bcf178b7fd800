package dev.parley.client.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import dev.parley.client.time.Scheduler;
import dev.parley.client.time.SystemScheduler;

/**
 * A TCP proxy on an ephemeral loopback port that forwards to a server and injects the faults of
 * real networks:
 *
 * <ul>
 *   <li>{@link #dropAll()}: reset every connection (a lost link, both ends know);</li>
 *   <li>{@link #delay(Duration)}: hold every chunk this long each way (latency, order kept);</li>
 *   <li>{@link #halfOpenAll()}: close the server side of every connection but keep the client
 *       side open and silent (the server knows, the client does not);</li>
 *   <li>{@link #blackhole(boolean)}: hold everything either way, on current and new connections,
 *       while they stay open (a dead route; what was held passes when it comes back);</li>
 *   <li>{@link #idleTimeout(Duration)}: like a NAT, forget a connection idle that long: from then
 *       on it silently forwards nothing, forever;</li>
 *   <li>{@link #refuse(boolean)}: accept and at once close new connections (server down).</li>
 * </ul>
 *
 * The upstream port is asked for each new connection, so the server behind may restart on a new
 * port while clients keep the proxy's.
 *
 * <p>Delays and idle times are measured on a {@link Scheduler}: give the clients' {@code
 * ManualScheduler} and a delayed chunk passes when the test moves that time past its due time, a
 * NAT forgets a connection when that time says it was idle long enough; nothing here reads the
 * system clock.
 */
public final class FaultProxy implements AutoCloseable {
  private final ServerSocket listener;
  private final IntSupplier upstream;
  private final Scheduler clock;
  /** The proxy's own real-time clock when none was given, closed with it. */
  private final SystemScheduler ownClock;
  private final List<Pipe> pipes = new CopyOnWriteArrayList<>();
  private final AtomicInteger accepted = new AtomicInteger();
  private final AtomicInteger idleDropped = new AtomicInteger();
  /** Writers wait on it for a chunk's due time, the end of a blackhole, or the pipe's end. */
  private final Object gate = new Object();
  private volatile long delayMillis;
  private volatile long idleMillis;
  private volatile boolean blackhole;
  private volatile boolean refuse;
  private volatile boolean closed;

  private FaultProxy(IntSupplier upstream, Scheduler clock) throws IOException {
    this.upstream = upstream;
    this.ownClock = clock == null ? new SystemScheduler() : null;
    this.clock = clock == null ? ownClock : clock;
    listener = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
    Thread t = new Thread(this::acceptLoop, "fault-proxy-accept");
    t.setDaemon(true);
    t.start();
  }

  /** A proxy to {@code 127.0.0.1:upstreamPort} (asked anew for each connection), on real time. */
  public static FaultProxy start(IntSupplier upstreamPort) {
    return start(upstreamPort, null);
  }

  /** A proxy whose delays and idle timeout run on {@code clock} (such as the clients' manual one). */
  public static FaultProxy start(IntSupplier upstreamPort, Scheduler clock) {
    try {
      return new FaultProxy(upstreamPort, clock);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public int port() {
    return listener.getLocalPort();
  }

  /** Connections accepted so far. */
  public int accepted() {
    return accepted.get();
  }

  /** Connections the idle timeout has silenced so far. */
  public int idleDropped() {
    return idleDropped.get();
  }

  /** Connections open now. */
  public int open() {
    return (int) pipes.stream().filter(p -> !p.dead).count();
  }

  public void delay(Duration d) {
    delayMillis = d.toMillis();
  }

  public void blackhole(boolean on) {
    blackhole = on;
    wake();
  }

  private void wake() {
    synchronized (gate) {
      gate.notifyAll();
    }
  }

  public void refuse(boolean on) {
    refuse = on;
  }

  /** Forget connections idle this long (null or zero: never). */
  public void idleTimeout(Duration d) {
    idleMillis = d == null ? 0 : d.toMillis();
  }

  /** Resets every open connection, both sides. */
  public void dropAll() {
    for (Pipe p : pipes) {
      p.reset();
    }
  }

  /** Closes the server side of every open connection; the client side stays open and hears nothing. */
  public void halfOpenAll() {
    for (Pipe p : pipes) {
      p.halfOpen();
    }
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket client = listener.accept();
        accepted.incrementAndGet();
        if (refuse) {
          abort(client);
          continue;
        }
        Pipe p = new Pipe(client);
        pipes.add(p);
        p.start();
      } catch (IOException e) {
        if (!closed) {
          continue;
        }
        return;
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      listener.close();
    } catch (IOException e) {
      // closing
    }
    dropAll();
    if (ownClock != null) {
      ownClock.close();
    }
  }

  private static void abort(Socket s) {
    try {
      s.setSoLinger(true, 0);
      s.close();
    } catch (IOException e) {
      // gone
    }
  }

  /** One proxied connection: two readers, two delayed writers. */
  private final class Pipe {
    final Socket client;
    volatile Socket server;
    volatile boolean dead;
    /** Silenced: the route is gone (idle timeout or half-open) and nothing passes any more. */
    volatile boolean silenced;
    volatile long lastActivity = clock.nowMillis();

    Pipe(Socket client) {
      this.client = client;
    }

    void start() {
      Thread t = new Thread(() -> {
        try {
          Socket s = new Socket();
          s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), upstream.getAsInt()), 2000);
          s.setTcpNoDelay(true);
          client.setTcpNoDelay(true);
          server = s;
          pump(client, s, "up");
          pump(s, client, "down");
        } catch (IOException e) {
          reset();
        }
      }, "fault-proxy-connect");
      t.setDaemon(true);
      t.start();
    }

    private void pump(Socket from, Socket to, String dir) throws IOException {
      boolean fromClient = from == client;
      LinkedBlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      Thread reader = new Thread(() -> {
        byte[] buf = new byte[16384];
        try {
          int n;
          while ((n = in.read(buf)) >= 0) {
            long now = clock.nowMillis();
            long idle = idleMillis;
            if (!silenced && idle > 0 && now - lastActivity > idle) {
              silenced = true;
              idleDropped.incrementAndGet();
            }
            if (silenced) {
              continue;
            }
            lastActivity = now;
            long delay = delayMillis;
            queue.add(new Chunk(now + delay, java.util.Arrays.copyOf(buf, n)));
            if (delay > 0) {
              clock.schedule(FaultProxy.this::wake, delay);
            }
          }
        } catch (IOException e) {
          // closed
        }
        if (fromClient) {
          queue.add(Chunk.EOF);
        } else if (!silenced) {
          // The server's close reaches the client unless the route is gone.
          queue.add(Chunk.EOF);
        }
      }, "fault-proxy-" + dir + "-read");
      Thread writer = new Thread(() -> {
        try {
          while (!dead) {
            Chunk c = queue.poll(1, TimeUnit.SECONDS);
            if (c == null) {
              continue;
            }
            // A blackhole holds everything (as a dead route does: TCP retransmits until it is back);
            // a delayed chunk waits for its due time on the proxy's clock.
            synchronized (gate) {
              while (!dead && (blackhole || clock.nowMillis() < c.due)) {
                // On its own real-time clock the proxy waits out the delay; on a given clock the
                // wake-up it scheduled for the due time ends the wait.
                long left = c.due - clock.nowMillis();
                gate.wait(ownClock != null && !blackhole && left > 0 ? left : 0);
              }
            }
            if (c == Chunk.EOF) {
              if (fromClient || !silenced) {
                reset();
              }
              return;
            }
            if (!silenced) {
              out.write(c.data);
              out.flush();
            }
          }
        } catch (IOException | InterruptedException e) {
          if (fromClient || !silenced) {
            reset();
          }
        }
      }, "fault-proxy-" + dir + "-write");
      reader.setDaemon(true);
      writer.setDaemon(true);
      reader.start();
      writer.start();
    }

    void reset() {
      if (dead) {
        return;
      }
      dead = true;
      wake();
      pipes.remove(this);
      abort(client);
      Socket s = server;
      if (s != null) {
        abort(s);
      }
    }

    void halfOpen() {
      silenced = true;
      Socket s = server;
      if (s != null) {
        abort(s);
      }
    }
  }

  private record Chunk(long due, byte[] data) {
    static final Chunk EOF = new Chunk(0, new byte[0]);
  }
}
