package dev.parley.core.spi;

import dev.parley.core.auth.TokenService;
import dev.parley.core.cluster.NodeInfo;
import dev.parley.core.config.Config;
import dev.parley.core.http.AdminAuth;
import dev.parley.core.http.HttpRouter;
import dev.parley.core.net.EventLoops;
import dev.parley.core.net.TcpListener;
import dev.parley.core.store.Storage;
import dev.parley.core.time.TimeSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.ssl.SslContext;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.ExecutorService;

/** What the kernel gives a module at start. */
public interface ServerContext {
  Config config();

  /** The one event loop group of every listener, and the channel classes that go with it. */
  EventLoops eventLoops();

  /** Routes and WebSocket endpoints of the HTTP listener. */
  HttpRouter http();

  /** Asks the kernel to bind a TCP listener once every module has started. */
  void listen(TcpListener listener);

  /** The port a listener is bound to (after start; useful with port 0). */
  int boundPort(String listenerName);

  MeterRegistry metrics();

  /**
   * The server's database. A module's store implementation takes it, migrates its schema when it
   * opens, and is the only code of the module that sees it.
   */
  Storage storage();

  TokenService tokens();

  /** Guards admin-only HTTP routes with the admin secret. */
  AdminAuth adminAuth();

  ServiceRegistry services();

  /** The server TLS context from {@code tls.cert-file} and {@code tls.key-file}. */
  SslContext serverTls();

  /** The data directory ({@code data.dir}). */
  Path dataDir();

  /** Every clock and timer of the server: read the time and set deadlines only through this. */
  TimeSource time();

  /** The wall clock of {@link #time()}. */
  default Clock clock() {
    return time().clock();
  }

  /** A bounded pool for short blocking work that is not storage (HTTP callbacks, file I/O). */
  ExecutorService blocking();

  /** Whether the server is shutting down (health turns 503, modules refuse new work). */
  boolean draining();

  /** This node's id ({@code cluster.node-id}, or generated and kept in the data directory). */
  String nodeId();

  /** What this node reports of itself now: its listeners' open connections, whether it drains. */
  NodeInfo self();
}
