package dev.parley.client.net;

import dev.parley.protocol.FrameCodec;
import dev.parley.protocol.FrameException;
import dev.parley.protocol.FrameReader;
import dev.parley.protocol.im.Frame;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLContext;

/**
 * The IM protocol over TCP (varint length-prefixed frames), with TLS when given an
 * {@link SSLContext}. Non-blocking on the client's {@link IoLoop}: a dead peer can never block a
 * write, and writes beyond {@code maxPendingBytes} close the link rather than pile up.
 */
public final class TcpLink implements Link, IoLoop.Handler, TlsSession.Out, FrameReader.Sink {
  private final IoLoop loop;
  private final LinkListener listener;
  private final FrameReader reader;
  private final long maxPendingBytes;
  private final ArrayDeque<ByteBuffer> out = new ArrayDeque<>();
  private final TlsSession tls;
  private long pendingBytes;
  private SocketChannel ch;
  private SelectionKey key;
  private boolean closed;

  private TcpLink(IoLoop loop, LinkListener listener, int maxFrameBytes, long maxPendingBytes, TlsSession tls) {
    this.loop = loop;
    this.listener = listener;
    this.reader = new FrameReader(maxFrameBytes);
    this.maxPendingBytes = maxPendingBytes;
    this.tls = tls;
  }

  /**
   * Starts connecting to {@code host:port}; the name is resolved on {@code blocking}, the rest
   * happens on {@code loop}. Called on the loop; events follow on it.
   */
  public static TcpLink open(IoLoop loop, Executor blocking, String host, int port, SSLContext ssl,
      int maxFrameBytes, long maxPendingBytes, LinkListener listener) {
    TcpLink link = new TcpLink(loop, listener, maxFrameBytes, maxPendingBytes,
        ssl == null ? null : new TlsSession(ssl, host, port));
    blocking.execute(() -> {
      InetSocketAddress addr = new InetSocketAddress(host, port);
      loop.execute(() -> link.connect(addr));
    });
    return link;
  }

  private void connect(InetSocketAddress addr) {
    if (closed) {
      return;
    }
    try {
      if (addr.isUnresolved()) {
        throw new UnknownHostException(addr.getHostString());
      }
      ch = SocketChannel.open();
      ch.configureBlocking(false);
      ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
      ch.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
      if (ch.connect(addr)) {
        key = loop.register(ch, SelectionKey.OP_READ, this);
        connected();
      } else {
        key = loop.register(ch, SelectionKey.OP_CONNECT, this);
      }
    } catch (IOException | RuntimeException e) {
      fail(e);
    }
  }

  @Override
  public void ready(SelectionKey k, int ops) {
    try {
      if ((ops & SelectionKey.OP_CONNECT) != 0) {
        ch.finishConnect();
        k.interestOps(SelectionKey.OP_READ);
        connected();
      }
      if (!closed && (ops & SelectionKey.OP_READ) != 0) {
        read();
      }
      if (!closed && (ops & SelectionKey.OP_WRITE) != 0) {
        flush();
      }
    } catch (IOException | FrameException | RuntimeException e) {
      fail(e);
    }
  }

  private void connected() throws IOException {
    if (tls == null) {
      listener.onOpen(this);
    } else {
      tls.begin(this);
      flush();
    }
  }

  private void read() throws IOException, FrameException {
    ByteBuffer buf = loop.readBuffer();
    int n = ch.read(buf);
    if (n < 0) {
      throw new EOFException("connection closed by the server");
    }
    if (n == 0) {
      return;
    }
    buf.flip();
    if (tls == null) {
      reader.feed(buf.array(), 0, n, this);
    } else {
      tls.received(buf, this);
      flush();
    }
  }

  @Override
  public void app(ByteBuffer plain) {
    try {
      reader.feed(plain.array(), plain.arrayOffset() + plain.position(), plain.remaining(), this);
    } catch (FrameException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  @Override
  public void net(ByteBuffer records) {
    enqueue(records);
  }

  @Override
  public void handshakeDone() {
    if (!closed) {
      listener.onOpen(this);
    }
  }

  @Override
  public void onFrame(Frame frame) {
    if (!closed) {
      listener.onFrame(this, frame);
    }
  }

  @Override
  public void onHeartbeat() {
    if (!closed) {
      listener.onHeartbeat(this);
    }
  }

  @Override
  public void send(Frame frame) {
    write(ByteBuffer.wrap(FrameCodec.encode(frame)));
  }

  @Override
  public void sendHeartbeat() {
    write(ByteBuffer.wrap(FrameCodec.heartbeat()));
  }

  private void write(ByteBuffer plain) {
    assert loop.inLoop();
    if (closed || ch == null) {
      return;
    }
    try {
      if (tls == null) {
        enqueue(plain);
      } else {
        tls.write(plain, this);
      }
      flush();
    } catch (IOException | RuntimeException e) {
      fail(e);
    }
  }

  private void enqueue(ByteBuffer b) {
    out.add(b);
    pendingBytes += b.remaining();
  }

  private void flush() throws IOException {
    if (closed || key == null) {
      return;
    }
    while (!out.isEmpty()) {
      ByteBuffer head = out.peek();
      pendingBytes -= ch.write(head);
      if (head.hasRemaining()) {
        if (pendingBytes > maxPendingBytes) {
          throw new IOException("more than " + maxPendingBytes + " bytes wait to be written; the link is stuck");
        }
        key.interestOps(key.interestOps() | SelectionKey.OP_WRITE);
        return;
      }
      out.poll();
    }
    if ((key.interestOps() & SelectionKey.OP_WRITE) != 0) {
      key.interestOps(key.interestOps() & ~SelectionKey.OP_WRITE);
    }
  }

  private void fail(Throwable cause) {
    closeWith(cause instanceof IllegalStateException && cause.getCause() instanceof FrameException f ? f : cause);
  }

  @Override
  public void close() {
    closeWith(null);
  }

  private void closeWith(Throwable cause) {
    if (closed) {
      return;
    }
    closed = true;
    if (key != null) {
      key.cancel();
    }
    if (ch != null) {
      try {
        ch.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
    out.clear();
    listener.onClosed(this, cause);
  }
}
