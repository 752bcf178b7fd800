package dev.parley.it.files;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy to a local port that cuts each connection (a reset, both sides) after a random
 * number of bytes from the client, between {@code min} and {@code max}: a flaky mobile link.
 */
final class CuttingProxy implements AutoCloseable {
  private final ServerSocket server;
  private final int upstream;
  private final Random random;
  private final int min;
  private final int max;
  final AtomicInteger cuts = new AtomicInteger();
  final AtomicLong upBytes = new AtomicLong();

  CuttingProxy(int upstream, long seed, int min, int max) throws IOException {
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.upstream = upstream;
    this.random = new Random(seed);
    this.min = min;
    this.max = max;
    Thread t = new Thread(this::accept, "cutting-proxy");
    t.setDaemon(true);
    t.start();
  }

  int port() {
    return server.getLocalPort();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Socket up = new Socket(InetAddress.getLoopbackAddress(), upstream);
        int budget;
        synchronized (random) {
          budget = min + random.nextInt(max - min);
        }
        pipe(client, up, budget, true);
        pipe(up, client, Integer.MAX_VALUE, false);
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void pipe(Socket from, Socket to, int budget, boolean counted) {
    Thread t = new Thread(() -> {
      byte[] buf = new byte[16 * 1024];
      long passed = 0;
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        int n;
        while ((n = in.read(buf)) > 0) {
          int pass = (int) Math.min(n, budget - passed);
          out.write(buf, 0, pass);
          passed += pass;
          if (counted) {
            upBytes.addAndGet(pass);
          }
          if (passed >= budget) {
            cuts.incrementAndGet();
            reset(from);
            reset(to);
            return;
          }
        }
      } catch (IOException e) {
        // the other direction closed it
      } finally {
        reset(from);
        reset(to);
      }
    }, "cutting-proxy-pipe");
    t.setDaemon(true);
    t.start();
  }

  private static void reset(Socket s) {
    try {
      s.setSoLinger(true, 0);
      s.close();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
