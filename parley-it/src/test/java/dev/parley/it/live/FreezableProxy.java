package dev.parley.it.live;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * A one-connection TCP proxy to a local port that can be frozen: it then stops moving bytes but
 * keeps both sockets open, like a network path that died without a FIN or RST.
 */
final class FreezableProxy implements AutoCloseable {
  private final ServerSocket server;
  private final int target;
  private volatile boolean frozen;
  private volatile boolean closed;
  private final Object gate = new Object();
  private volatile Socket client;
  private volatile Socket upstream;

  FreezableProxy(int target) throws IOException {
    this.target = target;
    this.server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    Thread t = new Thread(this::accept, "proxy-accept");
    t.setDaemon(true);
    t.start();
  }

  int port() {
    return server.getLocalPort();
  }

  /** The local port of the proxy's connection to the server (the publisher address the server sees). */
  int upstreamLocalPort() {
    Socket u = upstream;
    return u == null ? -1 : u.getLocalPort();
  }

  void freeze() {
    frozen = true;
  }

  /** Blocks a pipe while the proxy is frozen (until it is closed). */
  private void passGate() throws InterruptedException {
    synchronized (gate) {
      while (frozen && !closed) {
        gate.wait(); // frozen: hold the bytes, keep the sockets open
      }
    }
  }

  private void accept() {
    try {
      client = server.accept();
      upstream = new Socket(InetAddress.getLoopbackAddress(), target);
      pipe(client.getInputStream(), upstream.getOutputStream());
      pipe(upstream.getInputStream(), client.getOutputStream());
    } catch (IOException e) {
      // closed
    }
  }

  private void pipe(InputStream in, OutputStream out) {
    Thread t = new Thread(() -> {
      byte[] buf = new byte[16 * 1024];
      try {
        for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
          passGate();
          out.write(buf, 0, n);
        }
      } catch (IOException | InterruptedException e) {
        // closed
      }
    }, "proxy-pipe");
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void close() throws IOException {
    synchronized (gate) {
      closed = true;
      gate.notifyAll();
    }
    server.close();
    for (Socket s : new Socket[] {client, upstream}) {
      if (s != null) {
        s.close();
      }
    }
  }
}
