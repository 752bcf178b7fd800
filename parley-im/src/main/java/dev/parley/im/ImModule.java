package dev.parley.im;

import dev.parley.core.cluster.Cluster;
import dev.parley.core.cluster.NodeBus;
import dev.parley.core.config.ConfigException;
import dev.parley.core.config.ConfigKey;
import dev.parley.core.kernel.CoreKeys;
import dev.parley.core.net.TcpListener;
import dev.parley.core.spi.ImGateway;
import dev.parley.core.spi.ParleyModule;
import dev.parley.core.spi.ServerContext;
import dev.parley.core.spi.StatsContributor;
import dev.parley.core.time.Cancellable;
import dev.parley.core.time.TimeSource;
import dev.parley.im.admin.ImAdminRoutes;
import dev.parley.im.cluster.ClusterIm;
import dev.parley.im.config.ImKeys;
import dev.parley.im.config.ImSettings;
import dev.parley.im.delivery.DeliveryCursors;
import dev.parley.im.delivery.Dispatcher;
import dev.parley.im.delivery.OfflineNotifier;
import dev.parley.im.gateway.Gateway;
import dev.parley.im.handler.RequestHandler;
import dev.parley.im.login.Logins;
import dev.parley.im.login.SessionLifecycle;
import dev.parley.im.metrics.ImMetrics;
import dev.parley.im.net.ImTransports;
import dev.parley.im.presence.PresenceHub;
import dev.parley.im.session.Directory;
import dev.parley.im.session.LocalDirectory;
import dev.parley.im.session.LoginLimiter;
import dev.parley.im.session.Router;
import dev.parley.im.store.ImStore;
import dev.parley.im.store.sql.SqlImStore;
import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * The IM service as a server module: builds its parts and wires them together (nothing else in
 * IM reaches this package), starts its listeners, and runs its housekeeping and shutdown.
 */
public final class ImModule implements ParleyModule {
  /** Presence changes waiting to be announced, at most (one per user); more are not announced. */
  static final int PRESENCE_QUEUE = 100_000;
  /** Users whose last-seen time is kept in memory, at most; older ones are read from the store. */
  static final int LAST_SEEN_CACHED = 100_000;

  private ImSettings settings;
  private Directory directory;
  private ImMetrics metrics;
  private PresenceHub presence;
  private DeliveryCursors cursors;
  private OfflineNotifier offline;
  private ImTransports transports;
  private Cancellable housekeeping = Cancellable.NONE;
  private Duration grace = Duration.ofSeconds(5);
  private TimeSource time;
  private EventLoop timerLoop;
  private ClusterIm cluster;

  @Override
  public String name() {
    return "im";
  }

  @Override
  public int order() {
    return 100;
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return ImKeys.all();
  }

  /** Who is online where, once started (for tests). */
  public Directory directory() {
    return directory;
  }

  /** The IM meters, once started (for tests). */
  public ImMetrics metrics() {
    return metrics;
  }

  @Override
  public void start(ServerContext ctx) {
    ImSettings settings = ImSettings.from(ctx.config());
    if (settings.maxMessageBytes() + 1024 > settings.maxFrameBytes()) {
      throw new ConfigException("im.max-message-size must be at least 1KiB below im.max-frame-size");
    }
    this.settings = settings;
    grace = ctx.config().get(CoreKeys.SHUTDOWN_GRACE);
    time = ctx.time();
    timerLoop = ctx.eventLoops().group().next();
    // The one cycle among the parts, closed here: the directory tells the presence hub who comes
    // and goes, and the hub asks the directory who is online. On a cluster the directory and the
    // router reach the other nodes through the bus the cluster module registered.
    ImStore store = new SqlImStore(ctx.storage(), ctx.clock(), settings.groupMaxMembers());
    ImMetrics metrics = new ImMetrics(ctx.metrics(), () -> this.directory.sessionCount(),
        () -> this.directory.onlineUsers(), () -> offline == null ? 0 : offline.queued(),
        () -> this.presence.dropped());
    this.metrics = metrics;
    offline = new OfflineNotifier(ctx.services(), metrics, 100_000);
    NodeBus bus = ctx.services().first(NodeBus.class).orElse(null);
    Router dispatcher;
    if (bus == null) {
      LocalDirectory local = new LocalDirectory(t -> this.presence.accept(t));
      this.directory = local;
      Dispatcher d = new Dispatcher(local, offline);
      ctx.storage().writer().addBatchListener(d);
      dispatcher = d;
    } else {
      cluster = ClusterIm.on(bus, t -> this.presence.accept(t),
          () -> ctx.services().first(Cluster.class).orElseThrow(), offline, store);
      this.directory = cluster.directory();
      ctx.storage().writer().addBatchListener(cluster.router());
      dispatcher = cluster.router();
    }
    Directory directory = this.directory;
    PresenceHub presence = PresenceHub.start(time, PRESENCE_QUEUE, LAST_SEEN_CACHED, directory, store);
    this.presence = presence;
    DeliveryCursors cursors = new DeliveryCursors(dispatcher, store);
    this.cursors = cursors;
    Gateway gateway = new Gateway(directory, store, dispatcher);
    SessionLifecycle sessions = new SessionLifecycle(directory, presence, gateway, settings.kickPolicy(),
        settings.maxSessionsPerUser());
    LoginLimiter loginLimiter = cluster == null
        ? new LoginLimiter(settings.loginsPerSecond(), settings.loginBurst(), time)
        : new LoginLimiter(settings.loginsPerSecond(), settings.loginBurst(), time,
            () -> ctx.services().first(Cluster.class).map(c -> c.nodes().size()).orElse(1));
    Logins logins = new Logins(settings, metrics, ctx.tokens(), loginLimiter, time, gateway::decorate, sessions);
    RequestHandler requests = new RequestHandler(settings, metrics, time, store, dispatcher, presence, cursors,
        gateway::handlerFor);
    transports = new ImTransports(settings, metrics, time, logins, requests, sessions);

    ctx.listen(new TcpListener("im-tcp", ImKeys.TCP.settings(ctx.config()), transports::initTcp,
        ImTransports::rejectTcp));
    if (ctx.config().get(ImKeys.WS_ENABLED)) {
      ctx.http().webSocket(ctx.config().get(ImKeys.WS_PATH), transports.webSocket());
    }
    new ImAdminRoutes(directory, store, dispatcher, settings.maxMessageBytes()).register(ctx.http(), ctx.adminAuth());
    ctx.services().register(ImGateway.class, gateway);
    ctx.services().register(StatsContributor.class, new StatsContributor() {
      @Override
      public String section() {
        return "im";
      }

      @Override
      public Map<String, Object> stats() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("sessions", directory.sessionCount());
        s.put("onlineUsers", directory.onlineUsers());
        s.put("messagesIn", (long) metrics.messagesIn.count());
        s.put("messagesOut", (long) metrics.messagesOut.count());
        s.put("resends", (long) metrics.resends.count());
        return s;
      }
    });
    int[] ticks = new int[1];
    housekeeping = time.every(timerLoop, () -> {
      cursors.flush();
      presence.flushLastSeen();
      if (++ticks[0] % 60 == 0) {
        loginLimiter.expire();
      }
      if (cluster != null && ticks[0] % 5 == 0) {
        cluster.directory().sweep();
      }
    }, Duration.ofSeconds(1));
    if (cluster != null) {
      cluster.started();
    }
  }

  /**
   * Tells every connection to go away and keeps serving them (every request they had sent is
   * answered) until the last one has closed or {@code server.shutdown-grace} has passed, when the
   * rest are closed.
   */
  @Override
  public void drain() {
    if (transports == null) {
      return;
    }
    int after = (int) settings.shutdownReconnect().toMillis();
    CompletableFuture<Void> gone = transports.goAway(after);
    Cancellable deadline = time.schedule(timerLoop, () -> {
      transports.closeAll();
      gone.complete(null);
    }, grace);
    try {
      gone.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    } finally {
      deadline.cancel();
    }
  }

  @Override
  public void stop() {
    housekeeping.cancel();
    if (cursors != null) {
      cursors.flush();
    }
    if (presence != null) {
      presence.flushLastSeen();
      presence.close();
    }
    if (offline != null) {
      offline.close();
    }
  }
}
