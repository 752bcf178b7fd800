package dev.parley.core.cluster;

import java.util.List;

/**
 * The nodes serving together. Answers from memory, without blocking: an implementation that
 * shares its view through another process refreshes it in the background. Any thread.
 */
public interface Cluster {
  /** This node's id. */
  String nodeId();

  /** The nodes alive now as last reported, this node first, the others ordered by id. */
  List<NodeInfo> nodes();

  /**
   * Whether this node reaches what the nodes share. When false the node keeps serving its own
   * clients, and the health endpoint says {@code degraded}.
   */
  boolean healthy();
}
