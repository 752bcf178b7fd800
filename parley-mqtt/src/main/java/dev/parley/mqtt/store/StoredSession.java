package dev.parley.mqtt.store;

import dev.parley.mqtt.message.AppMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * A persistent session as loaded at start.
 *
 * @param messages queued and in-flight messages, oldest first
 * @param inbound inbound QoS 2 packet ids awaiting PUBREL
 */
public record StoredSession(SessionStore.SessionRow row, List<SubscriptionRow> subscriptions,
    List<QueuedMessage> messages, List<Integer> inbound) {

  /**
   * One message stored for the session.
   *
   * @param id its row id
   * @param packetId the packet id it was sent with, 0 while queued
   * @param released QoS 2: PUBREC received and PUBREL sent
   */
  public record QueuedMessage(long id, AppMessage message, int qos, boolean retain, int[] subscriptionIds,
      int packetId, boolean released) {}

  /** A session row with nothing attached yet, for a store implementation to fill while loading. */
  public static StoredSession of(SessionStore.SessionRow row) {
    return new StoredSession(row, new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
  }
}
