package dev.parley.client.testing;

import dev.parley.im.testing.ImSocket;
import dev.parley.protocol.FrameCodec;
import dev.parley.protocol.FrameReader;
import dev.parley.protocol.im.Frame;
import dev.parley.protocol.im.LoginOk;
import java.io.IOException;
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
        accepted.incrementAndGet();
        Conn c = new Conn(ImSocket.accepted(s));
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
    private final ImSocket socket;
    private final BlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
    private final AtomicInteger heartbeats = new AtomicInteger();
    private volatile boolean eof;

    Conn(ImSocket socket) {
      this.socket = socket;
      socket.readInBackground("scripted-conn", new FrameReader.Sink() {
        @Override
        public void onFrame(Frame frame) {
          frames.add(frame);
        }

        @Override
        public void onHeartbeat() {
          heartbeats.incrementAndGet();
        }
      }, () -> eof = true);
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

    private void write(byte[] b) {
      try {
        socket.sendRaw(b);
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
      socket.close();
    }
  }
}
