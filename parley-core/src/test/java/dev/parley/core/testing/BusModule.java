package dev.parley.core.testing;

import dev.parley.core.cluster.NodeBus;
import dev.parley.core.spi.ParleyModule;
import dev.parley.core.spi.ServerContext;

/**
 * A module that registers one node's bus before the systems start (as the cluster module does
 * with Redis), for a {@link TestKernel} that plays one node of a cluster.
 */
public final class BusModule implements ParleyModule {
  private final NodeBus bus;

  public BusModule(NodeBus bus) {
    this.bus = bus;
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
  }
}
