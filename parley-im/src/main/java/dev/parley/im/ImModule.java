package dev.parley.im;

import dev.parley.core.config.ConfigException;
import dev.parley.core.config.ConfigKey;
import dev.parley.core.net.TcpListener;
import dev.parley.core.spi.ParleyModule;
import dev.parley.core.spi.ServerContext;
import dev.parley.core.spi.StatsContributor;
import dev.parley.core.store.Migration;
import dev.parley.im.admin.ImAdminRoutes;
import dev.parley.im.delivery.DeliveryCursors;
import dev.parley.im.delivery.Dispatcher;
import dev.parley.im.delivery.OfflineNotifier;
import dev.parley.im.handler.RequestHandler;
import dev.parley.im.net.ImConnection;
import dev.parley.im.net.ImTransports;
import dev.parley.im.net.Sweeper;
import dev.parley.im.presence.PresenceHub;
import dev.parley.im.session.LocalDirectory;
import dev.parley.im.session.LoginLimiter;
import dev.parley.im.store.ImMigrations;
import dev.parley.im.store.ImStore;
import dev.parley.im.store.SqlImStore;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The IM service as a server module. */
public final class ImModule implements ParleyModule {
  private ImService im;
  private OfflineNotifier offline;
  private ScheduledFuture<?> housekeeping;
  private Duration grace = Duration.ofSeconds(5);

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

  @Override
  public List<Migration> migrations() {
    return ImMigrations.all();
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
    PresenceHub presence = new PresenceHub();
    LocalDirectory directory = new LocalDirectory(presence);
    ImStore store = new SqlImStore(ctx.database(), ctx.clock(), settings.groupMaxMembers());
    OfflineNotifier[] holder = new OfflineNotifier[1];
    ImMetrics metrics = new ImMetrics(ctx.metrics(), directory::sessionCount, directory::onlineUsers,
        () -> holder[0] == null ? 0 : holder[0].queued());
    offline = new OfflineNotifier(ctx.services(), metrics, 100_000);
    holder[0] = offline;
    Dispatcher dispatcher = new Dispatcher(directory, offline);
    ctx.database().writer().addBatchListener(dispatcher);
    presence.bind(directory, store);
    DeliveryCursors cursors = new DeliveryCursors(directory, store);
    Duration shortest = settings.loginTimeout().compareTo(settings.idleTimeout()) < 0 ? settings.loginTimeout()
        : settings.idleTimeout();
    Duration period = clamp(shortest.dividedBy(5), Duration.ofMillis(20), Duration.ofSeconds(1));
    im = new ImService(settings, metrics, ctx.tokens(), store, directory, dispatcher, presence, cursors,
        new LoginLimiter(settings.loginsPerSecond(), settings.loginBurst()), new Sweeper(period, ctx.time()));
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
    housekeeping = ctx.eventLoops().group().next().scheduleAtFixedRate(() -> {
      cursors.flush();
      presence.flushLastSeen();
      if (++ticks[0] % 60 == 0) {
        im.loginLimiter().expire();
      }
    }, 1, 1, TimeUnit.SECONDS);
  }

  private static Duration clamp(Duration d, Duration min, Duration max) {
    return d.compareTo(min) < 0 ? min : d.compareTo(max) > 0 ? max : d;
  }

  @Override
  public void drain() {
    if (im == null) {
      return;
    }
    int after = (int) im.settings().shutdownReconnect().toMillis();
    im.directory().forEach(s -> ((ImConnection) s).goAway(after));
    long deadline = System.nanoTime() + grace.toNanos() / 2;
    while (im.directory().sessionCount() > 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  @Override
  public void stop() {
    if (housekeeping != null) {
      housekeeping.cancel(false);
    }
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
