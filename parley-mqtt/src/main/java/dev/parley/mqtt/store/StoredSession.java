package dev.parley.mqtt.store;

import dev.parley.mqtt.session.Outgoing;
import dev.parley.mqtt.session.SessionStore;
import java.util.ArrayList;
import java.util.List;

/**
 * A persistent session as loaded at start.
 *
 * @param subscriptions (filter, options, subscription id) rows
 */
public record StoredSession(SessionStore.SessionRow row, List<SubscriptionRow> subscriptions, List<Outgoing> messages,
    List<Integer> inbound) {

  /** One stored subscription. */
  public record SubscriptionRow(String filter, int options, int subscriptionId) {}

  static StoredSession of(SessionStore.SessionRow row) {
    return new StoredSession(row, new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
  }
}
