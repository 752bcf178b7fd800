package dev.parley.mqtt;

import dev.parley.core.cluster.Cluster;
import dev.parley.core.cluster.NodeBus;
import dev.parley.core.config.Config;
import dev.parley.core.config.ConfigKey;
import dev.parley.core.net.ListenerKeys;
import dev.parley.core.net.TcpListener;
import dev.parley.core.spi.OfflineDeliveryHook;
import dev.parley.core.spi.ParleyModule;
import dev.parley.core.spi.ServerContext;
import dev.parley.core.spi.StatsContributor;
import dev.parley.core.time.Cancellable;
import dev.parley.mqtt.auth.Acl;
import dev.parley.mqtt.auth.Authenticator;
import dev.parley.mqtt.broker.Broker;
import dev.parley.mqtt.cluster.ClusterMessageRouter;
import dev.parley.mqtt.cluster.ClusterSessionDirectory;
import dev.parley.mqtt.cluster.EarlierRun;
import dev.parley.mqtt.cluster.RetainedSync;
import dev.parley.mqtt.config.MqttKeys;
import dev.parley.mqtt.config.MqttSettings;
import dev.parley.mqtt.push.MqttPushHook;
import dev.parley.mqtt.store.MqttStore;
import dev.parley.mqtt.store.sql.SqlMqttStore;
import dev.parley.mqtt.transport.MqttTransport;
import io.micrometer.core.instrument.Gauge;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The MQTT broker: TCP (and TLS) listeners, the WebSocket endpoint, sessions restored from the store, push. */
public final class MqttModule implements ParleyModule {
  private static final Logger log = LoggerFactory.getLogger(MqttModule.class);

  private Broker broker;
  private MqttTransport transport;
  private EventLoopGroup loops;
  private Cancellable sweep = Cancellable.NONE;
  /** What the drain does last in a cluster: hand this node's sessions off; null on a server of its own. */
  private Runnable handOff;

  @Override
  public String name() {
    return "mqtt";
  }

  @Override
  public int order() {
    return 200;
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return MqttKeys.all();
  }

  @Override
  public void start(ServerContext ctx) {
    Config config = ctx.config();
    MqttSettings settings = MqttSettings.from(config);
    Acl acl = new Acl(config.get(MqttKeys.ACL));
    Authenticator auth = new Authenticator(ctx.tokens(), config.get(MqttKeys.DEVICES),
        config.get(MqttKeys.ANONYMOUS_LOOPBACK), config.get(MqttKeys.ANONYMOUS));
    MqttStore store = new SqlMqttStore(ctx.storage());
    NodeBus bus = ctx.services().first(NodeBus.class).orElse(null);
    if (bus == null) {
      broker = new Broker(settings, store, ctx.time(), ctx.metrics());
    } else {
      store.useClusterQueueIds(ctx.time()::millis);
      ClusterSessionDirectory directory = new ClusterSessionDirectory(bus, store, ctx.time(),
          ctx.eventLoops().group().next());
      AtomicReference<ClusterMessageRouter> router = new AtomicReference<>();
      broker = new Broker(settings, store, ctx.time(), ctx.metrics(), local -> {
        router.set(new ClusterMessageRouter(local, bus, ctx.time(), ctx.eventLoops().group().next(),
            config.get(MqttKeys.CLUSTER_CONFIRM_TIMEOUT)));
        return router.get();
      }, directory);
      if (EarlierRun.of(ctx.dataDir(), bus.nodeId())) {
        router.get().ranBefore();
      }
      directory.start(broker, ctx.eventLoops().group()::next, router.get());
      ctx.services().register(ClusterMessageRouter.class, router.get());
      sweep = ctx.time().every(ctx.eventLoops().group().next(), () -> router.get().sweep(alive(ctx)),
          ClusterMessageRouter.SWEEP_PERIOD);
      ctx.services().register(ClusterSessionDirectory.class, directory);
      handOff = () -> handOff(ctx, bus, router.get(), directory, store);
      RetainedSync.start(bus, broker, store, ctx.blocking());
    }
    int restored = new SessionRestorer(broker, store, ctx.eventLoops().group()).restore(bus == null);

    loops = ctx.eventLoops().group();
    MqttTransport connections = new MqttTransport(broker, settings, auth, acl, ctx.time());
    transport = connections;
    Gauge.builder("parley.mqtt.connections", connections, MqttTransport::openConnections)
        .description("Open MQTT connections").register(ctx.metrics());

    ctx.listen(new TcpListener("mqtt", MqttKeys.TCP.settings(config), connections::initialize, connections::reject));
    if (config.get(MqttKeys.SECURE_ENABLED)) {
      ctx.listen(new TcpListener("mqtts", new ListenerKeys.Settings(true, config.get(MqttKeys.SECURE_HOST),
          config.get(MqttKeys.SECURE_PORT), true, config.get(MqttKeys.SECURE_MAX_PER_IP)), connections::initialize,
          connections::reject));
    }
    if (config.get(MqttKeys.WEBSOCKET_ENABLED)) {
      ctx.http().webSocket(config.get(MqttKeys.WEBSOCKET_PATH), connections.webSocketEndpoint());
    }
    if (config.get(MqttKeys.PUSH_ENABLED)) {
      ctx.services().register(OfflineDeliveryHook.class, new MqttPushHook(broker));
    }
    ctx.services().register(StatsContributor.class, new StatsContributor() {
      @Override
      public String section() {
        return "mqtt";
      }

      @Override
      public Map<String, Object> stats() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("connections", connections.openConnections());
        m.put("sessions", broker.sessions().size());
        m.put("subscriptions", broker.subscriptions().size());
        m.put("retained", broker.retained().size());
        return m;
      }
    });
    ctx.services().register(Broker.class, broker);
    log.info("MQTT broker: {} persistent session(s) and {} retained message(s) restored", restored,
        broker.retained().size());
  }

  /**
   * A draining node's sessions are shared out in turn among the other nodes alive to take on, once the
   * writes for them are durable; copies sent here meanwhile go unconfirmed, so they are resent.
   * The last node keeps them in the store for whichever node starts next.
   */
  private static void handOff(ServerContext ctx, NodeBus bus, ClusterMessageRouter router,
      ClusterSessionDirectory directory, MqttStore store) {
    router.drain();
    List<String> to = alive(ctx).stream().filter(n -> !n.equals(bus.nodeId())).sorted().toList();
    if (to.isEmpty()) {
      return;
    }
    try {
      store.flush().get(5, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      log.warn("MQTT: writes not all durable before the hand-off: {}", e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    log.info("MQTT: {} session(s) handed to nodes {} to take on", directory.handOff(to), to);
  }

  /** The ids of the nodes alive, as this node sees them. */
  private static Set<String> alive(ServerContext ctx) {
    Set<String> ids = new HashSet<>();
    ctx.services().first(Cluster.class).ifPresent(c -> c.nodes().forEach(n -> ids.add(n.id())));
    return ids;
  }

  /** The broker (for tests and other modules, also in the service registry). */
  public Broker broker() {
    return broker;
  }

  @Override
  public void drain() {
    sweep.cancel();
    if (transport == null) {
      return;
    }
    transport.shutdown(Duration.ofSeconds(2));
    // Closed channels run their inactive handlers (session rows, wills) as loop tasks: let them
    // finish while the store is still open.
    for (EventExecutor loop : loops) {
      loop.submit(() -> { }).awaitUninterruptibly(2, TimeUnit.SECONDS);
    }
    if (handOff != null) {
      handOff.run();
    }
  }
}
