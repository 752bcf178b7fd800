package dev.parley.cluster;

import dev.parley.cluster.redis.RedisBus;
import dev.parley.cluster.redis.RedisNodes;
import dev.parley.core.cluster.Cluster;
import dev.parley.core.cluster.NodeBus;
import dev.parley.core.config.Config;
import dev.parley.core.config.ConfigException;
import dev.parley.core.config.ConfigKey;
import dev.parley.core.kernel.CoreKeys;
import dev.parley.core.spi.ParleyModule;
import dev.parley.core.spi.ServerContext;
import dev.parley.core.time.Cancellable;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node of a cluster ({@code cluster.enabled}): connects to Redis before the systems start, so a
 * node that cannot reach it does not start; registers the Redis {@link Cluster} the kernel's
 * {@code /api/v1/cluster} and {@code /healthz} read; reports itself every heartbeat on a thread of
 * its own; registers the Redis {@link NodeBus} the systems reach the other nodes through; removes
 * itself and what it holds when it stops. Off (the default), it does nothing and the server is a
 * cluster of one.
 */
public final class ClusterModule implements ParleyModule {
  private static final Logger log = LoggerFactory.getLogger(ClusterModule.class);

  private ClientResources resources;
  private RedisConnections redis;
  private RedisBus bus;
  private ScheduledExecutorService thread;
  private Cancellable heartbeat;
  private RedisNodes nodes;

  @Override
  public String name() {
    return "cluster";
  }

  /** Before every system: they find the cluster in the service registry when they start. */
  @Override
  public int order() {
    return 10;
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return ClusterKeys.all();
  }

  @Override
  public void start(ServerContext ctx) {
    Config config = ctx.config();
    if (!config.get(ClusterKeys.ENABLED)) {
      return;
    }
    String postgres = config.get(CoreKeys.STORE_POSTGRES_URL);
    if (postgres == null || postgres.isBlank()) {
      // Each node would keep its own SQLite file: users would see different histories per node.
      throw new ConfigException("cluster.enabled needs store.postgres.url: the nodes share one PostgreSQL database "
          + "for what must last");
    }
    Duration timeout = config.get(ClusterKeys.REDIS_TIMEOUT);
    // Reconnect soon after Redis returns (Lettuce's default backs off to 30 s): messages between the
    // nodes are lost until it does.
    resources = DefaultClientResources.builder().ioThreadPoolSize(1).computationThreadPoolSize(1)
        .reconnectDelay(Delay.exponential(Duration.ofMillis(10), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
        .build();
    try {
      redis = RedisConnections.open(config.get(ClusterKeys.REDIS_URL), timeout, resources);
    } catch (RuntimeException e) {
      resources.shutdown(0, 2, TimeUnit.SECONDS);
      resources = null;
      throw e;
    }
    nodes = new RedisNodes(redis.links.sync(), ctx.nodeId(), ctx::self, config.get(ClusterKeys.NODE_TIMEOUT),
        ctx.time());
    bus = new RedisBus(ctx.nodeId(), redis.links, ctx.metrics());
    bus.start();
    nodes.beat();
    ctx.services().register(Cluster.class, nodes);
    ctx.services().register(NodeBus.class, bus);
    Gauge.builder("parley_cluster_nodes", nodes, n -> n.nodes().size())
        .description("Nodes alive in this node's view, itself included").register(ctx.metrics());
    Gauge.builder("parley_cluster_redis_up", nodes, n -> n.healthy() ? 1 : 0)
        .description("1 while this node reaches Redis").register(ctx.metrics());
    FunctionCounter.builder("parley_cluster_heartbeat_failures", nodes, RedisNodes::failures)
        .description("Heartbeats that could not reach Redis").register(ctx.metrics());
    thread = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "parley-cluster");
      t.setDaemon(true);
      return t;
    });
    heartbeat = ctx.time().every(thread, this::beat, config.get(ClusterKeys.HEARTBEAT));
    log.info("cluster: node {} joined through Redis {}; {} node(s) alive", ctx.nodeId(), redis.where,
        nodes.nodes().size());
  }

  /** One heartbeat: report, drop the entries of nodes found gone, resume the bus if Redis came back. */
  private void beat() {
    nodes.beat().forEach(bus::purge);
    if (nodes.healthy()) {
      bus.tick();
    }
  }

  @Override
  public void stop() {
    if (heartbeat != null) {
      heartbeat.cancel();
    }
    if (thread != null) {
      thread.shutdown();
      try {
        thread.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (bus != null) {
      bus.close();
    }
    if (nodes != null) {
      nodes.leave();
    }
    if (redis != null) {
      try {
        redis.close();
      } catch (RuntimeException e) {
        log.debug("cluster: closing the Redis connections failed", e);
      }
    }
    if (resources != null) {
      resources.shutdown(0, 2, TimeUnit.SECONDS);
    }
  }
}
