package dev.parley.client;

import dev.parley.client.testing.Recorder;
import dev.parley.im.testing.ImServer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/** Clients a test opens against an {@link ImServer}, all closed at the end. */
final class Clients implements AutoCloseable {
  private final List<ParleyClient> open = new ArrayList<>();
  private final List<ClientRuntime> runtimes = new ArrayList<>();

  /** A connected client of {@code user} over TCP to {@code port}, with its recorder. */
  Pair tcp(ImServer server, int port, String user, UnaryOperator<ClientConfig.Builder> tweak) {
    return connect(tweak.apply(ClientConfig.builder().server("tcp://127.0.0.1:" + port).token(server.token(user))
        .deviceId(user + "-dev")));
  }

  Pair tcp(ImServer server, String user) {
    return tcp(server, server.tcpPort(), user, b -> b);
  }

  Pair ws(ImServer server, String user) {
    return connect(ClientConfig.builder().server("ws://127.0.0.1:" + server.httpPort() + "/im")
        .token(server.token(user)).deviceId(user + "-ws"));
  }

  /** Creates (not connects) a client. */
  Pair create(ClientConfig.Builder b) {
    ParleyClient c = ParleyClient.create(b.build());
    synchronized (open) {
      open.add(c);
    }
    return new Pair(c, Recorder.on(c));
  }

  Pair connect(ClientConfig.Builder b) {
    Pair p = create(b);
    p.client().connect();
    return p;
  }

  /** A runtime closed with the clients. */
  ClientRuntime runtime(ClientRuntime.Builder b) {
    ClientRuntime r = b.build();
    runtimes.add(r);
    return r;
  }

  @Override
  public void close() {
    synchronized (open) {
      open.forEach(ParleyClient::close);
      open.clear();
    }
    runtimes.forEach(ClientRuntime::close);
    runtimes.clear();
  }

  /** A client and what it reported. */
  record Pair(ParleyClient client, Recorder rec) {}
}
