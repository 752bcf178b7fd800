package dev.parley.cluster;

import dev.parley.cluster.redis.RedisNodes;
import dev.parley.core.cluster.Cluster;
import dev.parley.core.config.Config;
import dev.parley.core.config.ConfigException;
import dev.parley.core.config.ConfigKey;
import dev.parley.core.kernel.CoreKeys;
import dev.parley.core.spi.ParleyModule;
import dev.parley.core.spi.ServerContext;
import dev.parley.core.time.Cancellable;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
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
 * its own; removes itself when it stops. Off (the default), it does nothing and the server is a
 * cluster of one.
 */
public final class ClusterModule implements ParleyModule {
  private static final Logger log = LoggerFactory.getLogger(ClusterModule.class);

  private ClientResources resources;
  private RedisClient client;
  private StatefulRedisConnection<String, String> connection;
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
    String url = config.get(ClusterKeys.REDIS_URL);
    Duration timeout = config.get(ClusterKeys.REDIS_TIMEOUT);
    RedisURI uri;
    try {
      uri = RedisURI.create(url);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("cluster.redis.url: " + e.getMessage());
    }
    uri.setTimeout(timeout);
    resources = DefaultClientResources.builder().ioThreadPoolSize(1).computationThreadPoolSize(1).build();
    client = RedisClient.create(resources, uri);
    client.setOptions(ClientOptions.builder()
        .autoReconnect(true)
        // While Redis is away a command fails at once instead of queueing: the heartbeat reports it.
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .timeoutOptions(TimeoutOptions.enabled(timeout))
        .build());
    try {
      connection = client.connect();
    } catch (RuntimeException e) {
      throw new ConfigException("cluster.redis.url: cannot reach Redis at " + uri.getHost() + ":" + uri.getPort()
          + " (" + e.getMessage() + ")");
    }
    nodes = new RedisNodes(connection.sync(), ctx.nodeId(), ctx::self, config.get(ClusterKeys.NODE_TIMEOUT),
        ctx.time());
    nodes.beat();
    ctx.services().register(Cluster.class, nodes);
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
    heartbeat = ctx.time().every(thread, nodes::beat, config.get(ClusterKeys.HEARTBEAT));
    log.info("cluster: node {} joined through Redis {}:{}; {} node(s) alive", ctx.nodeId(), uri.getHost(),
        uri.getPort(), nodes.nodes().size());
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
    if (nodes != null) {
      nodes.leave();
    }
    if (connection != null) {
      connection.close();
    }
    if (client != null) {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
    if (resources != null) {
      resources.shutdown(0, 2, TimeUnit.SECONDS);
    }
  }
}
