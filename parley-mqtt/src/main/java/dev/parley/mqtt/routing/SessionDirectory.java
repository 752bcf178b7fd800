package dev.parley.mqtt.routing;

import dev.parley.mqtt.session.Session;
import dev.parley.mqtt.store.StoredSession;
import java.util.Collection;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Which node holds the session of each client id, and the sessions this node holds.
 *
 * <p>A session lives on exactly one node at a time: the node its connection is on, or, while it
 * has no connection, the node it was last connected to. The in-process implementation
 * ({@link LocalSessionDirectory}) is one node: every session is here. The contract a cluster
 * implementation (a shared directory such as Redis) must keep:
 *
 * <ul>
 *   <li>{@link #claim} makes this node the holder of the client id: of two nodes claiming one
 *       client id at once, one ends as the holder and the other's connection is taken over, as by
 *       a later connection on one node (never two live sessions).
 *       When another node held the session, that node is asked to hand it over first: it tells its
 *       connection the session was taken over (MQTT 5: reason 0x8E) and closes it, publishes the
 *       will that is due, makes what it holds durable in the shared store and forgets the session.
 *       Only then is {@code then} called, with a session rebuilt here from the store and
 *       {@code existed} true. The call never blocks; {@code then} may run later, on any thread.
 *   <li>{@link #release} gives the client id up only if this node still holds it with that
 *       session (a later claim by another node is not undone).
 *   <li>{@link #sessions} and {@link #local} see this node's sessions only.
 * </ul>
 */
public interface SessionDirectory {
  /** The session of {@code clientId} held on this node, or null. Any thread. */
  Session local(String clientId);

  /**
   * Makes this node the holder of {@code clientId}'s session and calls {@code then} with it and
   * whether it existed: the session held before, or (when none was) one from {@code make},
   * registered under the client id: {@code make} gets the session loaded from the store (a
   * cluster), or null for a new one; existed is false when it answers a session with another key
   * than the stored one. In-process this happens at once, on the calling thread.
   *
   * @param userId the connecting user (null: anonymous). A session of another user (held here,
   *     held on another node, or stored with no node holding it) is neither handed over nor taken:
   *     {@code refused} gets {@link Refusal#ANOTHER_USER} instead of {@code then} running. A client
   *     id is not a credential. A session not held here while a cluster cannot tell which node
   *     holds it is not taken either ({@link Refusal#HOLDER_UNKNOWN}): two nodes would build it.
   * @param cleanStart the new connection ends the session it finds (the node holding it publishes
   *     its will whatever the delay)
   */
  void claim(String clientId, String userId, boolean cleanStart, Function<StoredSession, Session> make,
      BiConsumer<Session, Boolean> then, Consumer<Refusal> refused);

  /** Why {@link #claim} did not take a session. */
  enum Refusal {
    /** The session is another user's. */
    ANOTHER_USER,
    /** Which node holds the session cannot be known now (the cluster's shared state is away). */
    HOLDER_UNKNOWN
  }

  /** Registers a session restored from the store at start (this node held it before). */
  void restored(Session session);

  /** {@code session} ended: its client id is free again, unless another session holds it by now. */
  void release(Session session);

  /** The sessions held on this node, connected or not. */
  Collection<Session> sessions();
}
