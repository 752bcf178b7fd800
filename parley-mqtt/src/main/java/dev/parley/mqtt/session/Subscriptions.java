package dev.parley.mqtt.session;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * The subscriptions of one session by filter: each also goes to the host (which routes publishes
 * by them) and, while the session is persistent, to the store. Created at the session's first
 * subscription. Home loop of the session only.
 */
final class Subscriptions {
  private final SessionHost host;
  private final long key;
  private final Map<String, SubscriptionEntry> byFilter = new HashMap<>();

  Subscriptions(SessionHost host, long key) {
    this.host = host;
    this.key = key;
  }

  /** Adds or replaces a subscription; returns whether one with this filter existed. */
  boolean add(SubscriptionEntry e, boolean persistent) {
    SubscriptionEntry previous = byFilter.put(e.filter(), e);
    host.subscribed(e);
    if (persistent) {
      host.store().saveSubscription(key, e.row());
    }
    return previous != null;
  }

  /** A subscription loaded from the store: routed again, not written again. */
  void restore(SubscriptionEntry e) {
    byFilter.put(e.filter(), e);
    host.subscribed(e);
  }

  /** Removes a subscription; returns whether it existed. */
  boolean remove(String filter, boolean persistent) {
    SubscriptionEntry e = byFilter.remove(filter);
    if (e == null) {
      return false;
    }
    host.unsubscribed(e);
    if (persistent) {
      host.store().deleteSubscription(key, filter);
    }
    return true;
  }

  /** The session became persistent: everything held so far becomes durable. */
  void saveAll() {
    for (SubscriptionEntry e : byFilter.values()) {
      host.store().saveSubscription(key, e.row());
    }
  }

  /** The session ended: every subscription leaves the routing (the store forgets the session as a whole). */
  void removeAll() {
    for (SubscriptionEntry e : byFilter.values()) {
      host.unsubscribed(e);
    }
    byFilter.clear();
  }

  int size() {
    return byFilter.size();
  }

  Collection<SubscriptionEntry> all() {
    return byFilter.values();
  }
}
