package dev.parley.core.cluster;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * Messages between the nodes of a cluster, and who holds what: the seam every system uses to reach
 * what lives on another node (a user's sessions, an MQTT client's session, subscribers of a topic
 * filter, the origin of a stream). The cluster module registers it in the service registry when
 * {@code cluster.enabled} (on Redis); a server on its own has none, and systems then keep their
 * in-process paths.
 *
 * <p>The contract every implementation keeps:
 *
 * <ul>
 *   <li>Delivery is at most once: a message sent while the shared transport is unreachable, or to
 *       a node that dies, is lost. What must not be lost lives in the store; a system fills the
 *       gaps from there when the bus {@linkplain #onResume resumes}.
 *   <li>Order is kept per sending thread and receiving node: two messages one thread sends to one
 *       node (or broadcasts) arrive in the order sent, whatever their topics. A {@link #hold} or
 *       {@link #release} comes before the messages the same thread sends after it: a node that
 *       got such a message and then looks ({@link #heldElsewhere}) finds the change.
 *   <li>{@link Receiver}s run on the bus's own thread, one at a time: they must not block; they hand
 *       work to event loops.
 *   <li>Held entries belong to the node that holds them: they are removed when it releases them,
 *       stops, or is dropped from the cluster (killed), and the node writes them again when the
 *       shared state comes back empty (a restart of Redis).
 *   <li>Nothing here blocks the caller: sends are queued, lookups answer a stage completed on the
 *       bus's thread (exceptionally, with a timeout, when the shared state cannot be reached, and
 *       until this node wrote its entries again after it could not: a restarted Redis holds only
 *       the entries of the nodes that have written theirs again, an answer to trust for none).
 * </ul>
 */
public interface NodeBus {
  /** Takes the messages of one topic from other nodes. */
  @FunctionalInterface
  interface Receiver {
    /** On the bus's thread: {@code payload} sent by node {@code from}. */
    void receive(String from, byte[] payload);
  }

  /** One entry under a key, held by a node. */
  record Held(String node, String field, String value) {}

  /** This node's id. */
  String nodeId();

  /** Registers the receiver of {@code topic}'s messages (one per topic, before the node serves). */
  void listen(String topic, Receiver receiver);

  /** Sends to one other node; a message to this node's own id is dropped. Any thread. */
  void send(String node, String topic, byte[] payload);

  /** Sends to every other node alive. Any thread. */
  void broadcast(String topic, byte[] payload);

  /** Marks this node as holding {@code field} under {@code key}, with {@code value}. Any thread. */
  void hold(String key, String field, String value);

  /**
   * Holds {@code field} under {@code key} with {@code value} unless another node holds the same
   * field there, in one atomic step of the shared state: of two nodes claiming at once, one wins.
   * Answers the holder after the step, on the bus's thread: this node's own entry when it holds
   * the field now (or already did), else the other node's entry (and nothing was written). A
   * claim won is a held entry like those of {@link #hold}: released, purged and written again
   * the same way (two nodes' claims written again after a restart of Redis are not reconciled).
   * Fails (with a timeout) when the shared state cannot be reached. Any thread.
   */
  CompletionStage<Held> claim(String key, String field, String value);

  /** Drops this node's entry {@code field} under {@code key}. Any thread. */
  void release(String key, String field);

  /**
   * The entries under each of {@code keys} held by the other nodes (this node's own are left
   * out: the caller knows them). Keys nobody else holds are absent from the map.
   */
  CompletionStage<Map<String, List<Held>>> heldElsewhere(Collection<String> keys);

  /** Takes the entries a node held when it was dropped. */
  @FunctionalInterface
  interface Orphans {
    /** On the bus's thread: {@code entries} (key -> the node's entries there) that {@code node} held. */
    void orphaned(String node, Map<String, List<Held>> entries);
  }

  /**
   * Registers {@code listener} for the entries under keys starting with {@code keyPrefix} that a
   * node held when it was dropped from the cluster (killed, or cut off past the node timeout) or
   * that a node's earlier run left when it starts again, so that a live node can take over what
   * the dead one held. Of the nodes alive, only the one whose purge removed the entries is told,
   * once. Each entry it is told of stays this node's, pending (no lookup sees it), until the
   * listener {@linkplain #settle settles} it: if this node dies first, the node that drops it is
   * told of the entry in turn. Register before the node serves (entries a node removed before any
   * listener of their prefix was registered wait for it).
   */
  void onOrphaned(String keyPrefix, Orphans listener);

  /**
   * Lets go of this node's entry {@code field} under {@code key} and makes it a pending entry of
   * node {@code node} in one step, as if that node's listener had been told of it as an orphan
   * (this node tells it by a message sent after this call): it {@linkplain #settle settles} the
   * entry once it took it on, and if it dies first, the node that drops it is told of the entry.
   * Any thread.
   */
  void passOn(String key, String field, String node);

  /**
   * The orphaned (or {@linkplain #passOn passed on}) entry {@code field} under {@code key} that this node was told of is
   * taken care of (what must last of it is held anew, or there was nothing to take on): it is no
   * longer handed on if this node dies. Any thread.
   */
  void settle(String key, String field);

  /**
   * Registers {@code action} to run on the bus's thread when the bus comes back after a time it
   * could not reach the others (messages may have been lost in between).
   */
  void onResume(Runnable action);
}
