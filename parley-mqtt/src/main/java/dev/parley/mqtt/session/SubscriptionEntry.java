package dev.parley.mqtt.session;

import dev.parley.mqtt.store.SubscriptionRow;
import dev.parley.mqtt.topic.SubscriptionTrie;

/**
 * One subscription of a session, as the trie holds it.
 *
 * @param filter the filter as the client wrote it ({@code $share/g/f} for shared ones)
 * @param topicFilter the filter that matches topics ({@code f} for shared ones)
 * @param shareGroup the share name, or null
 * @param subscriptionId MQTT 5 subscription identifier, 0 for none
 */
public record SubscriptionEntry(Session session, String filter, String topicFilter, String shareGroup, int qos,
    boolean noLocal, boolean retainAsPublished, int retainHandling, int subscriptionId) {

  /** Options packed as in SUBSCRIBE (for the store). */
  public int options() {
    return qos | (noLocal ? 0x04 : 0) | (retainAsPublished ? 0x08 : 0) | (retainHandling << 4);
  }

  /** Puts the subscription in {@code trie} (in place of its session's one with the same filter). */
  public void addTo(SubscriptionTrie<SubscriptionEntry> trie) {
    trie.add(topicFilter, shareGroup, session, this);
  }

  /** Takes the subscription out of {@code trie}. */
  public void removeFrom(SubscriptionTrie<SubscriptionEntry> trie) {
    trie.remove(topicFilter, shareGroup, session);
  }

  /** The subscription as stored. */
  public SubscriptionRow row() {
    return new SubscriptionRow(filter, options(), subscriptionId);
  }
}
