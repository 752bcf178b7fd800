package dev.parley.im.testing;

import dev.parley.protocol.FrameCodec;
import dev.parley.protocol.FrameException;
import dev.parley.protocol.FrameReader;
import dev.parley.protocol.im.Frame;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;

/**
 * The IM protocol over a blocking TCP socket, as raw as a test needs it: frames in and out
 * (varint length-prefixed protobuf, the 1-byte heartbeat), raw bytes, and the socket itself (to
 * shrink its buffers, stop reading, reset it). One socket serves a client that connects and a fake
 * server's accepted connection alike. Writes may come from any thread; reads from one at a time.
 * {@link ImTestClient} speaks TCP through it; tests whose client must behave unlike it (stall,
 * flood, reconnect as an SDK would) use it directly.
 */
public final class ImSocket implements AutoCloseable {
  /** Frames larger than this fail the read (the server's own limit is lower). */
  public static final int MAX_FRAME_BYTES = 64 << 20;

  private final Socket socket;
  private final OutputStream out;
  private final InputStream in;
  private final FrameReader reader = new FrameReader(MAX_FRAME_BYTES);
  /** Frames read by {@link #next()} past the one it returned. */
  private final ArrayDeque<Frame> ahead = new ArrayDeque<>();
  private final byte[] buf = new byte[65536];

  /** Options to set on the socket before it connects. */
  @FunctionalInterface
  public interface BeforeConnect {
    void apply(Socket s) throws IOException;
  }

  private ImSocket(Socket socket) throws IOException {
    this.socket = socket;
    this.out = socket.getOutputStream();
    this.in = socket.getInputStream();
  }

  /** A connection to {@code 127.0.0.1:port}. */
  public static ImSocket connect(int port) throws IOException {
    return connect(port, null, 5000, s -> { });
  }

  /**
   * A connection to {@code 127.0.0.1:port}, over TLS when {@code tls} is given, within
   * {@code timeoutMillis}; {@code beforeConnect} may set options that only count before the
   * connection (a small receive buffer).
   */
  public static ImSocket connect(int port, SSLContext tls, int timeoutMillis, BeforeConnect beforeConnect)
      throws IOException {
    Socket s = tls == null ? new Socket() : tls.getSocketFactory().createSocket();
    try {
      beforeConnect.apply(s);
      s.connect(new InetSocketAddress("127.0.0.1", port), timeoutMillis);
      s.setTcpNoDelay(true);
      return new ImSocket(s);
    } catch (IOException | RuntimeException e) {
      s.close();
      throw e;
    }
  }

  /** A connection a (fake) server accepted. */
  public static ImSocket accepted(Socket s) throws IOException {
    s.setTcpNoDelay(true);
    return new ImSocket(s);
  }

  public Socket socket() {
    return socket;
  }

  /** Writes one frame. */
  public void send(Frame frame) throws IOException {
    sendRaw(FrameCodec.encode(frame));
  }

  /** Writes a heartbeat. */
  public void sendHeartbeat() throws IOException {
    sendRaw(FrameCodec.heartbeat());
  }

  /** Writes bytes as they are (garbage, half a frame, several frames). */
  public synchronized void sendRaw(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /** Blocks until the next frame arrives (heartbeats are passed over); fails when the stream ends first. */
  public Frame next() throws IOException, FrameException {
    FrameReader.Sink keep = new FrameReader.Sink() {
      @Override
      public void onFrame(Frame frame) {
        ahead.add(frame);
      }

      @Override
      public void onHeartbeat() {
        // not a frame
      }
    };
    while (ahead.isEmpty()) {
      int n = in.read(buf);
      if (n < 0) {
        throw new EOFException("the connection ended before the next frame");
      }
      reader.feed(buf, 0, n, keep);
    }
    return ahead.poll();
  }

  /** Reads until the stream ends, handing every frame and heartbeat to {@code sink}. */
  public void readAll(FrameReader.Sink sink) throws IOException, FrameException {
    readAll(sink, chunk -> { });
  }

  /** The same, and every chunk as read (a copy) to {@code chunks} first. */
  public void readAll(FrameReader.Sink sink, Consumer<byte[]> chunks) throws IOException, FrameException {
    while (!ahead.isEmpty()) {
      sink.onFrame(ahead.poll());
    }
    int n;
    while ((n = in.read(buf)) >= 0) {
      chunks.accept(Arrays.copyOf(buf, n));
      reader.feed(buf, 0, n, sink);
    }
  }

  /**
   * Reads on a daemon thread until the stream ends, fails, or carries bytes that are no frame, then
   * closes the socket and runs {@code ended} (on that thread).
   */
  public Thread readInBackground(String threadName, FrameReader.Sink sink, Runnable ended) {
    return readInBackground(threadName, sink, chunk -> { }, ended);
  }

  /** The same, and every chunk as read (a copy) to {@code chunks} first. */
  public Thread readInBackground(String threadName, FrameReader.Sink sink, Consumer<byte[]> chunks, Runnable ended) {
    Thread t = new Thread(() -> {
      try {
        readAll(sink, chunks);
      } catch (IOException | FrameException gone) {
        // the connection is gone: ended says so
      } finally {
        close();
        ended.run();
      }
    }, threadName);
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** Closes at once with a reset (RST), as a phone walking into a lift leaves the server a dead peer. */
  public void reset() {
    try {
      socket.setSoLinger(true, 0);
    } catch (IOException alreadyClosed) {
      // closing below is all that is left
    }
    close();
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // closed already
    }
  }
}
