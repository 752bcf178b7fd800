package dev.parley.im;

import dev.parley.core.config.ConfigException;
import dev.parley.core.config.ConfigKey;
import dev.parley.core.net.TcpListener;
import dev.parley.core.spi.ParleyModule;
import dev.parley.core.spi.ServerContext;
import dev.parley.core.spi.StatsContributor;
import dev.parley.im.admin.ImAdminRoutes;
import dev.parley.im.delivery.DeliveryCursors;
import dev.parley.im.delivery.Dispatcher;
import dev.parley.im.delivery.OfflineNotifier;
import dev.parley.im.handler.RequestHandler;
import dev.parley.im.net.ImTransports;
import dev.parley.im.net.Sweeper;
import dev.parley.im.presence.PresenceHub;
import dev.parley.im.session.LocalDirectory;
import dev.parley.im.session.LoginLimiter;
import dev.parley.im.store.ImStore;
import dev.parley.im.store.SqlImStore;
import dev.parley.core.time.Cancellable;
import dev.parley.core.time.TimeSource;
import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/** The IM service as a server module. */
public final class ImModule implements ParleyModule {
  /** Presence changes waiting to be announced, at most (one per user); more are not announced. */
  static final int PRESENCE_QUEUE = 100_000;
  /** Users whose last-seen time is kept in memory, at most; older ones are read from the store. */
  static final int LAST_SEEN_CACHED = 100_000;

  private ImService im;
  private OfflineNotifier offline;
  private Cancellable housekeeping = Cancellable.NONE;
  private Duration grace = Duration.ofSeconds(5);
  private TimeSource time;
  private EventLoop timerLoop;

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

  /** The running service (after start), for tests and for modules built on IM. */
  public ImService service() {
    return im;
  }

  @Override
  public void start(ServerContext ctx) {
    ImSettings settings = ImSettings.from(ctx.config());
    if (settings.maxMessageBytes() + 1024 > settings.maxFrameBytes()) {
      throw new ConfigException("im.max-message-size must be at least 1KiB below im.max-frame-size");
    }
    grace = ctx.config().get(dev.parley.core.kernel.CoreKeys.SHUTDOWN_GRACE);
    time = ctx.time();
    timerLoop = ctx.eventLoops().group().next();
    PresenceHub presence = PresenceHub.start(time, PRESENCE_QUEUE, LAST_SEEN_CACHED);
    LocalDirectory directory = new LocalDirectory(presence);
    ImStore store = new SqlImStore(ctx.storage(), ctx.clock(), settings.groupMaxMembers());
    OfflineNotifier[] holder = new OfflineNotifier[1];
    ImMetrics metrics = new ImMetrics(ctx.metrics(), directory::sessionCount, directory::onlineUsers,
        () -> holder[0] == null ? 0 : holder[0].queued(), presence::dropped);
    offline = new OfflineNotifier(ctx.services(), metrics, 100_000);
    holder[0] = offline;
    Dispatcher dispatcher = new Dispatcher(directory, offline);
    ctx.storage().writer().addBatchListener(dispatcher);
    presence.bind(directory, store);
    DeliveryCursors cursors = new DeliveryCursors(directory, store);
    Duration shortest = settings.loginTimeout().compareTo(settings.idleTimeout()) < 0 ? settings.loginTimeout()
        : settings.idleTimeout();
    Duration period = clamp(shortest.dividedBy(5), Duration.ofMillis(20), Duration.ofSeconds(1));
    im = new ImService(settings, metrics, ctx.tokens(), store, directory, dispatcher, presence, cursors,
        new LoginLimiter(settings.loginsPerSecond(), settings.loginBurst(), time), new Sweeper(period, time));
    im.requests(new RequestHandler(im));

    ctx.listen(new TcpListener("im-tcp", ImKeys.TCP.settings(ctx.config()), ch -> ImTransports.initTcp(ch, im),
        ImTransports::rejectTcp));
    if (ctx.config().get(ImKeys.WS_ENABLED)) {
      ctx.http().webSocket(ctx.config().get(ImKeys.WS_PATH), ImTransports.webSocket(im));
    }
    new ImAdminRoutes(im).register(ctx.http(), ctx.adminAuth());
    ctx.services().register(ImService.class, im);
    ctx.services().register(dev.parley.core.spi.ImGateway.class, im.gateway());
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
        im.loginLimiter().expire();
      }
    }, Duration.ofSeconds(1));
  }

  private static Duration clamp(Duration d, Duration min, Duration max) {
    return d.compareTo(min) < 0 ? min : d.compareTo(max) > 0 ? max : d;
  }

  /**
   * Tells every connection to go away and keeps serving them (every request they had sent is
   * answered) until the last one has closed or {@code server.shutdown-grace} has passed, when the
   * rest are closed.
   */
  @Override
  public void drain() {
    if (im == null) {
      return;
    }
    int after = (int) im.settings().shutdownReconnect().toMillis();
    CompletableFuture<Void> gone = im.connections().goAway(after);
    Cancellable deadline = time.schedule(timerLoop, () -> {
      im.connections().closeAll();
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
    if (im != null) {
      im.deliveryCursors().flush();
      im.presence().flushLastSeen();
      im.presence().close();
    }
    if (offline != null) {
      offline.close();
    }
  }
}
