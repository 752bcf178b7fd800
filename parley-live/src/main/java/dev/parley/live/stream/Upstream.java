package dev.parley.live.stream;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Where streams this node does not publish come from: in a cluster, the node that publishes them
 * (see {@code dev.parley.live.edge.ClusterStreams}); on a server of its own, nowhere ({@link #NONE}),
 * and every path stays as it is on one node. Any thread; nothing here blocks.
 */
public interface Upstream {
  /** A server on its own: every name is free here, nothing comes from elsewhere. */
  Upstream NONE = new Upstream() {
    @Override
    public CompletionStage<String> mayPublish(String app, String name) {
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public void wanted(String app, String name) {
      // nothing to fetch
    }

    @Override
    public CompletionStage<Boolean> publishedElsewhere(String app, String name) {
      return CompletableFuture.completedFuture(false);
    }

    @Override
    public CompletionStage<List<RemoteStream>> elsewhere() {
      return CompletableFuture.completedFuture(List.of());
    }
  };

  /** Whether {@code app/name} may be published on this node: completes with null, or with why not. */
  CompletionStage<String> mayPublish(String app, String name);

  /**
   * Someone wants to play {@code app/name}, which has no publisher on this node: fetch it from the
   * node that publishes it, if any (or keep fetching it, if this node already does).
   */
  void wanted(String app, String name);

  /** Whether another node publishes {@code app/name} now (false when that cannot be known). */
  CompletionStage<Boolean> publishedElsewhere(String app, String name);

  /** The streams published on other nodes. */
  CompletionStage<List<RemoteStream>> elsewhere();

  /** A stream published on another node. */
  record RemoteStream(String app, String name, String node, String address) {}
}
