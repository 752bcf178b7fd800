package dev.parley.mqtt.session;

/**
 * What a session writes to the store while it is persistent. Every call queues a write for the
 * group-commit writer and returns at once; writes are applied in call order.
 */
public interface SessionStore {
  /** Inserts or replaces the session's row. */
  void saveSession(SessionRow row);

  /** Deletes the session and everything it holds (subscriptions, queue, QoS 2 state). */
  void deleteSession(long key);

  void saveSubscription(long key, SubscriptionEntry entry);

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
   * @param disconnectedAt epoch ms, or 0 while connected
   * @param will the pending will in store form, or null
   * @param willDueAt epoch ms when the pending will is published, or 0
   */
  record SessionRow(long key, String clientId, int level, long expirySeconds, long disconnectedAt, String userId,
      byte[] will, long willDueAt) {}
}
