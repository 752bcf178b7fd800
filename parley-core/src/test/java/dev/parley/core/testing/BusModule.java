package dev.parley.core.testing;

import dev.parley.core.cluster.Cluster;
import dev.parley.core.cluster.NodeBus;
import dev.parley.core.spi.ParleyModule;
import dev.parley.core.spi.ServerContext;

/**
 * A module that registers one node's bus (and, when given, its view of the cluster) before the
 * systems start (as the cluster module does with Redis), for a {@link TestKernel} that plays one
 * node of a cluster.
 */
public final class BusModule implements ParleyModule {
  private final NodeBus bus;
  private final Cluster cluster;

  public BusModule(NodeBus bus) {
    this(bus, null);
  }

  /** @param cluster the node's view of the cluster (such as {@link InMemoryBus#cluster}), or null */
  public BusModule(NodeBus bus, Cluster cluster) {
    this.bus = bus;
    this.cluster = cluster;
  }

  @Override
  public String name() {
    return "test-bus";
  }

  @Override
  public int order() {
    return 10;
  }

  @Override
  public void start(ServerContext ctx) {
    ctx.services().register(NodeBus.class, bus);
    if (cluster != null) {
      ctx.services().register(Cluster.class, cluster);
    }
  }
}
