package dev.parley.core.cluster;

import java.util.List;
import java.util.function.Supplier;

/** A server on its own: a cluster of one, always healthy. */
public final class SingleNode implements Cluster {
  private final String id;
  private final Supplier<NodeInfo> self;

  /**
   * @param self this node's report, built on each call
   */
  public SingleNode(String id, Supplier<NodeInfo> self) {
    this.id = id;
    this.self = self;
  }

  @Override
  public String nodeId() {
    return id;
  }

  @Override
  public List<NodeInfo> nodes() {
    return List.of(self.get());
  }

  @Override
  public boolean healthy() {
    return true;
  }
}
