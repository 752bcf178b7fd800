package dev.parley.mqtt.store;

import dev.parley.mqtt.message.WillMessage;

/**
 * What a session writes to the store while it is persistent. Every call queues a write and returns
 * at once; writes are applied in call order, and a failed write is logged, not thrown (the session
 * goes on in memory).
 */
public interface SessionStore {
  /** Inserts or replaces the session's row. */
  void saveSession(SessionRow row);

  /** Deletes the session and everything it holds (subscriptions, queue, QoS 2 state). */
  void deleteSession(long key);

  /** Inserts or replaces one subscription of the session {@code key}. */
  void saveSubscription(long key, SubscriptionRow subscription);

  void deleteSubscription(long key, String filter);

  /** A stored QoS 2 message got its packet id (sent). */
  void setPacketId(long storeId, int packetId);

  /** A stored QoS 2 message was released (PUBREC received, PUBREL sent). */
  void markReleased(long storeId);

  void deleteQueued(long storeId);

  /** An inbound QoS 2 packet id awaits PUBREL. */
  void addInbound(long key, int packetId);

  void removeInbound(long key, int packetId);

  /**
   * A session's row.
   *
   * @param key the random per-session key every other row of the session refers to
   * @param level the protocol level it last connected with
   * @param disconnectedAt epoch ms, or 0 while connected
   * @param userId the user it belongs to, or null (anonymous)
   * @param will the pending will, or null
   * @param willDueAt epoch ms when the pending will is published, or 0
   */
  record SessionRow(long key, String clientId, int level, long expirySeconds, long disconnectedAt, String userId,
      WillMessage will, long willDueAt) {}
}
