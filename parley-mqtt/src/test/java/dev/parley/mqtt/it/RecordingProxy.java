package dev.parley.mqtt.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A TCP forwarder on a loopback port in front of the broker that keeps every byte of every
 * connection, each direction apart. Lets a test see what a third-party client and the broker
 * really put on the wire (topic aliases, subscription identifiers) where the client library
 * hides it, and records real traffic for the fuzz corpus.
 */
final class RecordingProxy implements AutoCloseable {
  /** One proxied connection: what the client sent and what the broker sent, so far. */
  static final class Recording {
    private final ByteArrayOutputStream fromClient = new ByteArrayOutputStream();
    private final ByteArrayOutputStream fromServer = new ByteArrayOutputStream();
    private final CountDownLatch open = new CountDownLatch(2);

    /** Waits until both directions have ended (the connection is closed). */
    void awaitClosed() throws InterruptedException {
      if (!open.await(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the recorded connection is still open");
      }
    }

    byte[] fromClient() {
      synchronized (fromClient) {
        return fromClient.toByteArray();
      }
    }

    byte[] fromServer() {
      synchronized (fromServer) {
        return fromServer.toByteArray();
      }
    }
  }

  private final ServerSocket listener;
  private final int target;
  private final List<Recording> recordings = new CopyOnWriteArrayList<>();
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final Thread acceptor;

  /** Forwards connections on a new ephemeral port to {@code targetPort} on 127.0.0.1. */
  RecordingProxy(int targetPort) throws IOException {
    this.target = targetPort;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.acceptor = new Thread(this::acceptLoop, "recording-proxy");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return listener.getLocalPort();
  }

  /** The connections so far, in the order they were accepted. */
  List<Recording> recordings() {
    return List.copyOf(recordings);
  }

  private void acceptLoop() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        Socket server = new Socket(InetAddress.getLoopbackAddress(), target);
        client.setTcpNoDelay(true);
        server.setTcpNoDelay(true);
        sockets.add(client);
        sockets.add(server);
        Recording r = new Recording();
        recordings.add(r);
        pump(client, server, r.fromClient, r.open);
        pump(server, client, r.fromServer, r.open);
      } catch (IOException e) {
        return;
      }
    }
  }

  private static void pump(Socket from, Socket to, ByteArrayOutputStream record, CountDownLatch open) {
    Thread t = new Thread(() -> {
      byte[] buf = new byte[8192];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        int n;
        while ((n = in.read(buf)) >= 0) {
          synchronized (record) {
            record.write(buf, 0, n);
          }
          out.write(buf, 0, n);
          out.flush();
        }
      } catch (IOException e) {
        // One side closed: the other follows below.
      } finally {
        try {
          to.close();
          from.close();
        } catch (IOException ignored) {
          // Already closed.
        }
        open.countDown();
      }
    }, "recording-proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void close() throws IOException {
    listener.close();
    for (Socket s : sockets) {
      s.close();
    }
  }
}
