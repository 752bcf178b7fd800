package dev.parley.client.testing;

import dev.parley.protocol.FrameCodec;
import dev.parley.protocol.FrameException;
import dev.parley.protocol.FrameReader;
import dev.parley.protocol.im.Frame;
import dev.parley.protocol.im.LoginOk;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fake IM server a test drives frame by frame: it accepts TCP connections, hands each to the
 * test as a {@link Conn}, and answers nothing on its own unless told to. For the client's
 * behaviour against exact sequences (duplicates, gaps, silence) that a real server does not make
 * on demand.
 */
public final class ScriptedServer implements AutoCloseable {
  /** Session ids only need to differ: a count, not a clock. */
  private static final AtomicInteger SESSIONS = new AtomicInteger();
  private final ServerSocket listener;
  private final BlockingQueue<Conn> conns = new LinkedBlockingQueue<>();
  private final AtomicInteger accepted = new AtomicInteger();
  private volatile boolean closed;

  public ScriptedServer() throws IOException {
    listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t = new Thread(this::acceptLoop, "scripted-server");
    t.setDaemon(true);
    t.start();
  }

  public int port() {
    return listener.getLocalPort();
  }

  public int accepted() {
    return accepted.get();
  }

  /** The next connection, waiting up to 10 s. */
  public Conn next() throws InterruptedException {
    Conn c = conns.poll(10, TimeUnit.SECONDS);
    if (c == null) {
      throw new AssertionError("no connection within 10 s");
    }
    return c;
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket s = listener.accept();
        s.setTcpNoDelay(true);
        accepted.incrementAndGet();
        Conn c = new Conn(s);
        conns.add(c);
      } catch (IOException e) {
        return;
      }
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    listener.close();
  }

  /** One client connection. */
  public static final class Conn {
    private final Socket socket;
    private final OutputStream out;
    private final BlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
    private final AtomicInteger heartbeats = new AtomicInteger();
    private volatile boolean eof;

    Conn(Socket s) throws IOException {
      this.socket = s;
      this.out = s.getOutputStream();
      Thread t = new Thread(this::read, "scripted-conn");
      t.setDaemon(true);
      t.start();
    }

    private void read() {
      FrameReader reader = new FrameReader(1 << 24);
      byte[] buf = new byte[8192];
      try (InputStream in = socket.getInputStream()) {
        int n;
        while ((n = in.read(buf)) >= 0) {
          reader.feed(buf, 0, n, new FrameReader.Sink() {
            @Override
            public void onFrame(Frame frame) {
              frames.add(frame);
            }

            @Override
            public void onHeartbeat() {
              heartbeats.incrementAndGet();
            }
          });
        }
      } catch (IOException | FrameException e) {
        // closed
      }
      eof = true;
    }

    /** The next frame from the client, waiting up to 10 s. */
    public Frame take() throws InterruptedException {
      Frame f = frames.poll(10, TimeUnit.SECONDS);
      if (f == null) {
        throw new AssertionError("no frame within 10 s");
      }
      return f;
    }

    /** The next frame with a body of {@code kind}, skipping others (acks). */
    public Frame take(Frame.BodyCase kind) throws InterruptedException {
      while (true) {
        Frame f = take();
        if (f.getBodyCase() == kind) {
          return f;
        }
      }
    }

    /** A frame received and not yet taken, or null. */
    public Frame poll() {
      return frames.poll();
    }

    /** Answers the login (the next frame) for {@code user}. */
    public Frame acceptLogin(String user, int maxHeartbeatMs) throws InterruptedException {
      Frame login = take(Frame.BodyCase.LOGIN);
      send(Frame.newBuilder().setReq(login.getReq()).setLoginOk(LoginOk.newBuilder().setUserId(user)
          .setSessionId("s" + SESSIONS.incrementAndGet()).setMaxHeartbeatIntervalMs(maxHeartbeatMs)
          .setIdleTimeoutMs(maxHeartbeatMs * 3 / 2).setMaxMessageBytes(65536)).build());
      return login;
    }

    public void send(Frame f) {
      write(FrameCodec.encode(f));
    }

    public void sendHeartbeat() {
      write(FrameCodec.heartbeat());
    }

    private synchronized void write(byte[] b) {
      try {
        out.write(b);
        out.flush();
      } catch (IOException e) {
        // the client went away; the test sees it through eof()
      }
    }

    public int heartbeats() {
      return heartbeats.get();
    }

    public boolean eof() {
      return eof;
    }

    public void close() {
      try {
        socket.close();
      } catch (IOException e) {
        // closing
      }
    }
  }
}
