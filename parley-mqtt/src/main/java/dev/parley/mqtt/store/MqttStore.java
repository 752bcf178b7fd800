package dev.parley.mqtt.store;

import dev.parley.mqtt.message.AppMessage;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Everything the broker persists: sessions with their subscriptions, queued and in-flight
 * messages and inbound QoS 2 ids (through {@link SessionStore}), and retained messages.
 *
 * <p>The contract for every implementation (SQLite today in {@code store.sql}; PostgreSQL in the
 * cluster): writes are applied in call order; the session writes of {@link SessionStore} are fire
 * and forget; {@link #insertQueued} and {@link #saveRetained} complete their future once the write
 * is durable, because the broker acknowledges a QoS 1/2 PUBLISH only then. Nothing blocks the
 * caller except the loads, which run once at start. Any thread may call.
 */
public interface MqttStore extends SessionStore {
  /**
   * A queued message row to insert.
   *
   * @param id from {@link #nextQueueId()}
   * @param sessionKey the session it is queued for
   * @param subIds MQTT 5 subscription identifiers it is sent with
   */
  record QueuedRow(long id, long sessionKey, AppMessage message, int qos, boolean retain, int[] subIds) {}

  /** A fresh id for a queued message row, above every id stored. */
  long nextQueueId();

  /** Inserts queued messages; completes when they are durable (exceptionally when they are not). */
  CompletableFuture<Void> insertQueued(List<QueuedRow> rows);

  /**
   * Stores the retained message of a topic, or with an empty payload deletes it; completes when
   * durable.
   */
  CompletableFuture<Void> saveRetained(AppMessage m);

  /** Loads every stored session with what it holds. Blocks; called once at start. */
  List<StoredSession> loadSessions();

  /**
   * The stored session of {@code clientId} with what it holds, or null; read after every write
   * this store was given before (in a cluster: when the client connects to this node).
   */
  CompletableFuture<StoredSession> loadSession(String clientId);

  /** Completes when every write given before is durable. */
  CompletableFuture<Void> flush();

  /**
   * From now on queued message ids are unique across the nodes sharing the database, and above
   * those of every session loaded here ({@code millis} is the clock they grow with). Blocks once.
   */
  void useClusterQueueIds(LongSupplier millis);

  /** Deletes rows that belong to no stored session (left by sessions that ended mid-write). */
  void purgeOrphans();

  /** Calls {@code sink} with every stored retained message. Blocks; called once at start. */
  void loadRetained(Consumer<AppMessage> sink);
}
