package dev.parley.core.kernel;

import dev.parley.core.admin.CoreRoutes;
import dev.parley.core.auth.PublicKeys;
import dev.parley.core.auth.SecretFiles;
import dev.parley.core.auth.TokenService;
import dev.parley.core.cluster.Cluster;
import dev.parley.core.cluster.NodeIds;
import dev.parley.core.cluster.NodeInfo;
import dev.parley.core.cluster.SingleNode;
import dev.parley.core.config.Config;
import dev.parley.core.config.ConfigException;
import dev.parley.core.config.ConfigSchema;
import dev.parley.core.http.AdminAuth;
import dev.parley.core.http.HttpPipeline;
import dev.parley.core.http.HttpRouter;
import dev.parley.core.http.OriginPolicy;
import dev.parley.core.metrics.Metrics;
import dev.parley.core.net.EventLoops;
import dev.parley.core.net.ListenerBindException;
import dev.parley.core.net.ListenerInitializer;
import dev.parley.core.net.ListenerKeys;
import dev.parley.core.net.TcpListener;
import dev.parley.core.net.TlsSupport;
import dev.parley.core.spi.ParleyModule;
import dev.parley.core.spi.ServerContext;
import dev.parley.core.spi.ServiceRegistry;
import dev.parley.core.store.CloseableStorage;
import dev.parley.core.store.Storage;
import dev.parley.core.time.TimeSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the server: config, secrets, the store, the event loops, the HTTP listener, then every
 * module (each module's store migrates its schema as it opens), then binds every listener.
 * {@link #stop()} undoes it gracefully.
 */
public final class Kernel implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Kernel.class);

  private final Config config;
  private final List<ParleyModule> modules;
  private final TimeSource time;
  private final Metrics metrics = new Metrics();
  private final ServiceRegistry services = new ServiceRegistry();
  private final HttpRouter router = new HttpRouter();
  private final List<TcpListener> listeners = new ArrayList<>();
  private final Map<String, Channel> bound = new ConcurrentHashMap<>();
  private final Map<String, ListenerInitializer> initializers = new ConcurrentHashMap<>();
  private final List<ParleyModule> started = new ArrayList<>();
  private CloseableStorage storage;
  private EventLoops eventLoops;
  private ExecutorService blocking;
  private TokenService tokens;
  private AdminAuth adminAuth;
  private SslContext tls;
  private String nodeId;
  private String host;
  private Instant startedAt;
  private OriginPolicy origins;
  private volatile boolean draining;
  private volatile boolean stopped;
  private final Context context = new Context();

  private Kernel(Config config, List<ParleyModule> modules, TimeSource time) {
    this.config = config;
    this.modules = new ArrayList<>(modules);
    this.modules.sort(Comparator.comparingInt(ParleyModule::order));
    this.time = time;
  }

  /** The schema of a server made of these modules: the core's keys and each module's. */
  public static ConfigSchema schema(Collection<? extends ParleyModule> modules) {
    ConfigSchema schema = new ConfigSchema().add(CoreKeys.all());
    for (ParleyModule m : modules) {
      schema.add(m.configKeys());
    }
    return schema;
  }

  /** Starts a server; on failure everything already started is stopped again. */
  public static Kernel start(Config config, List<ParleyModule> modules) {
    return start(config, modules, TimeSource.system());
  }

  /** Starts a server whose every clock and timer is {@code time} (tests pass a hand-moved one). */
  public static Kernel start(Config config, List<ParleyModule> modules, TimeSource time) {
    Kernel k = new Kernel(config, modules, time);
    try {
      k.boot();
      return k;
    } catch (RuntimeException | Error e) {
      k.stop();
      throw e;
    }
  }

  private void boot() {
    Preflight.Checked checked = Preflight.check(config);
    origins = checked.origins();
    tls = checked.tls();
    Path dataDir = config.get(CoreKeys.DATA_DIR);
    try {
      Files.createDirectories(dataDir);
    } catch (IOException e) {
      throw new ConfigException("data.dir: cannot create " + dataDir + ": " + e.getMessage());
    }
    try {
      nodeId = NodeIds.resolve(config.get(CoreKeys.NODE_ID), dataDir);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
    host = Preflight.hostName();
    startedAt = time.now();
    String adminSecret = config.get(CoreKeys.ADMIN_SECRET) != null ? config.get(CoreKeys.ADMIN_SECRET)
        : SecretFiles.loadOrCreate(dataDir, CoreKeys.generatedSecretFile(CoreKeys.ADMIN_SECRET), "admin API secret");
    adminAuth = new AdminAuth(adminSecret);
    String jwtSecret = config.get(CoreKeys.JWT_SECRET) != null ? config.get(CoreKeys.JWT_SECRET)
        : SecretFiles.loadOrCreate(dataDir, CoreKeys.generatedSecretFile(CoreKeys.JWT_SECRET), "token signing secret");
    try {
      tokens = new TokenService(jwtSecret, PublicKeys.load(config.get(CoreKeys.JWT_PUBLIC_KEYS)),
          config.get(CoreKeys.JWT_ISSUER), config.get(CoreKeys.JWT_CLOCK_SKEW), time.clock());
    } catch (IllegalArgumentException e) {
      throw new ConfigException("auth.jwt.secret: " + e.getMessage());
    }

    storage = Preflight.openStorage(config, dataDir, metrics.registry(), time);

    eventLoops = new EventLoops(config.get(CoreKeys.IO_THREADS), config.get(CoreKeys.NATIVE_TRANSPORT));
    AtomicInteger n = new AtomicInteger();
    int threads = config.get(CoreKeys.BLOCKING_THREADS);
    blocking = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(10_000), r -> {
      Thread t = new Thread(r, "parley-blocking-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });

    new CoreRoutes(context, new CoreRoutes.Settings(config.get(CoreKeys.DEV_LOGIN),
        config.get(CoreKeys.DEV_LOGIN_LOOPBACK_ONLY), config.get(CoreKeys.DEV_LOGIN_PER_MINUTE),
        config.get(CoreKeys.TOKEN_DEFAULT_TTL), config.get(CoreKeys.TOKEN_MAX_TTL)), metrics::scrape).register();
    ListenerKeys.Settings http = CoreKeys.HTTP.settings(config);
    if (http.enabled()) {
      listeners.add(new TcpListener("http", http, new HttpPipeline(router,
          Math.toIntExact(config.get(CoreKeys.HTTP_MAX_REQUEST)), config.get(CoreKeys.HTTP_IDLE_TIMEOUT), origins)));
    }

    for (ParleyModule m : modules) {
      try {
        m.start(context);
      } catch (ConfigException | ListenerBindException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException("module " + m.name() + " failed to start: " + e.getMessage(), e);
      }
      started.add(m);
    }
    if (services.first(Cluster.class).isEmpty()) {
      services.register(Cluster.class, new SingleNode(nodeId, context::self));
    }
    for (TcpListener l : listeners) {
      bind(l);
    }
    StringBuilder ready = new StringBuilder("Parley ready:");
    for (TcpListener l : listeners) {
      ready.append(' ').append(l.name()).append(" :").append(boundPort(l.name()));
      if (l.settings().tls()) {
        ready.append(" (tls)");
      }
    }
    log.info("{}; data in {}", ready, dataDir.toAbsolutePath().normalize());
  }

  private void bind(TcpListener l) {
    ListenerKeys.Settings s = l.settings();
    SslContext ssl = s.tls() ? context.serverTls() : null;
    ServerBootstrap b = new ServerBootstrap()
        .group(eventLoops.group())
        .channel(eventLoops.serverChannel())
        .option(ChannelOption.SO_BACKLOG, 4096)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(
            Math.toIntExact(config.get(CoreKeys.WRITE_BUFFER_LOW)), Math.toIntExact(config.get(CoreKeys.WRITE_BUFFER_HIGH))))
        .childHandler(initializers.computeIfAbsent(l.name(), name -> new ListenerInitializer(l, ssl)));
    try {
      Channel ch = b.bind(new InetSocketAddress(s.host(), s.port())).syncUninterruptibly().channel();
      bound.put(l.name(), ch);
    } catch (Exception e) {
      throw ListenerBindException.of(l.name(), s.host(), s.port(), e);
    }
  }

  public ServerContext context() {
    return context;
  }

  public Config config() {
    return config;
  }

  /** The port a listener is bound to. */
  public int boundPort(String listener) {
    Channel ch = bound.get(listener);
    if (ch == null) {
      throw new IllegalArgumentException("no bound listener named " + listener);
    }
    return ((InetSocketAddress) ch.localAddress()).getPort();
  }

  /**
   * Stops gracefully: refuse new connections, let modules tell their clients to reconnect, stop
   * modules, write everything queued to the store and close it, stop the event loops.
   */
  public synchronized void stop() {
    if (stopped) {
      return;
    }
    stopped = true;
    draining = true;
    long t0 = System.nanoTime();
    for (Channel ch : bound.values()) {
      ch.close().awaitUninterruptibly(2000);
    }
    for (ParleyModule m : started) {
      try {
        m.drain();
      } catch (RuntimeException e) {
        log.error("module {} failed to drain", m.name(), e);
      }
    }
    for (int i = started.size() - 1; i >= 0; i--) {
      try {
        started.get(i).stop();
      } catch (RuntimeException e) {
        log.error("module {} failed to stop", started.get(i).name(), e);
      }
    }
    if (blocking != null) {
      blocking.shutdown();
    }
    if (storage != null) {
      storage.close();
    }
    if (eventLoops != null) {
      eventLoops.shutdown(Duration.ofSeconds(2));
    }
    if (blocking != null) {
      try {
        blocking.awaitTermination(2, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    metrics.close();
    log.info("Parley stopped in {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
  }

  @Override
  public void close() {
    stop();
  }

  private final class Context implements ServerContext {
    @Override
    public Config config() {
      return config;
    }

    @Override
    public EventLoops eventLoops() {
      return eventLoops;
    }

    @Override
    public HttpRouter http() {
      return router;
    }

    @Override
    public void listen(TcpListener listener) {
      for (TcpListener l : listeners) {
        if (l.name().equals(listener.name())) {
          throw new IllegalStateException("listener name taken: " + listener.name());
        }
      }
      if (listener.settings().enabled()) {
        if (listener.settings().tls() && tls == null) {
          throw new ConfigException(listener.name() + " has TLS on but tls.cert-file and tls.key-file are not set");
        }
        listeners.add(listener);
      }
    }

    @Override
    public int boundPort(String listenerName) {
      return Kernel.this.boundPort(listenerName);
    }

    @Override
    public MeterRegistry metrics() {
      return metrics.registry();
    }

    @Override
    public Storage storage() {
      return storage;
    }

    @Override
    public TokenService tokens() {
      return tokens;
    }

    @Override
    public AdminAuth adminAuth() {
      return adminAuth;
    }

    @Override
    public ServiceRegistry services() {
      return services;
    }

    @Override
    public synchronized SslContext serverTls() {
      if (tls == null) {
        tls = TlsSupport.serverContext(config.get(CoreKeys.TLS_CERT), config.get(CoreKeys.TLS_KEY),
            config.get(CoreKeys.TLS_KEY_PASSWORD));
      }
      return tls;
    }

    @Override
    public Path dataDir() {
      return config.get(CoreKeys.DATA_DIR);
    }

    @Override
    public TimeSource time() {
      return time;
    }

    @Override
    public ExecutorService blocking() {
      return blocking;
    }

    @Override
    public boolean draining() {
      return draining;
    }

    @Override
    public String nodeId() {
      return nodeId;
    }

    @Override
    public NodeInfo self() {
      Map<String, Integer> open = new LinkedHashMap<>();
      initializers.forEach((name, init) -> open.put(name, init.open()));
      return new NodeInfo(nodeId, host, bound.containsKey("http") ? boundPort("http") : -1, startedAt, time.now(),
          open, draining ? "draining" : "ok");
    }
  }
}
