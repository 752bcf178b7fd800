package dev.parley.rtc.signal;

import dev.parley.core.spi.ImGateway.ImSession;
import dev.parley.protocol.im.Frame;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Which node holds a room: in a cluster, the first node a join of it arrived at claims it in the
 * shared state, and the joins, leaves and signals of sessions on other nodes are forwarded there
 * (through {@link CallHome}'s channel, and handled as if the client were connected to that node).
 * The node lets go when the room expires empty; a claim of a node that dies goes with it, and
 * with it the room. On a server of its own, {@link #LOCAL}: every room is held here.
 */
public interface RoomHome {
  /** What {@link #locate} answers for this node. */
  String HERE = "";

  /** Every room is held here. */
  RoomHome LOCAL = new RoomHome() {
    @Override
    public boolean clustered() {
      return false;
    }

    @Override
    public CompletionStage<String> locate(String room) {
      return CompletableFuture.completedFuture(HERE);
    }

    @Override
    public void released(String room) {}

    @Override
    public boolean alive(String node) {
      return true;
    }

    @Override
    public void forward(String node, ImSession from, Frame frame) {
      throw new IllegalStateException("no other node to forward to");
    }
  };

  /** Whether rooms may be held on other nodes (false: skip {@link #locate}). */
  boolean clustered();

  /**
   * Claims {@code room} for this node unless another node holds it; answers the holder's id, or
   * {@link #HERE}. Fails when the shared state cannot be reached. Completes on any thread.
   */
  CompletionStage<String> locate(String room);

  /** This node holds {@code room} no more. */
  void released(String room);

  /** Whether {@code node} is in this node's view of the cluster. */
  boolean alive(String node);

  /** Sends {@code frame} of {@code from}, a session on this node, to {@code node} to be handled there. */
  void forward(String node, ImSession from, Frame frame);
}
