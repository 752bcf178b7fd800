package dev.parley.mqtt.cluster;

import dev.parley.mqtt.topic.SubscriptionTrie;
import dev.parley.mqtt.topic.Topics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The filters of sessions this node handed over to another node, which stay subscribed here in
 * the session's stead until that node holds the session (or a time runs out). Between the old
 * home letting a session go and the new home loading it, no node has its subscriptions: without
 * these, a QoS 1/2 publish matching them would be acknowledged with no copy kept for the session.
 * With them the publish still comes here, and a copy that matches one is not confirmed (nor is a
 * publish made here acknowledged), so its publisher sends it again, to the new home by then.
 * A shared subscription's member is kept so too (and stays counted among the group's members
 * here): a publish in that moment could otherwise go to no member of the group at all.
 *
 * <p>{@link #handing} and {@link #unsubscribed} run under the router's lock of its subscriber
 * counts; {@link #matches} runs on any thread.
 */
final class HandedFilters {
  /** A handed session's place among the subscribers of a filter here (equal by client id). */
  record Handed(String clientId) {}

  /** Sessions being handed over right now (their filters stay): session → client id. */
  private final Map<Object, String> handing = new ConcurrentHashMap<>();
  /** Client id → the filters kept for it. */
  private final Map<String, List<String>> kept = new HashMap<>();
  /** Client id → its mark, one instance (the trie knows owners by identity). */
  private final Map<String, Handed> marks = new HashMap<>();
  private final SubscriptionTrie<String> trie = new SubscriptionTrie<>();
  private final AtomicLong handovers = new AtomicLong();
  /** Client id → the number of its latest handover not yet taken. */
  private final Map<String, Long> latest = new ConcurrentHashMap<>();

  /**
   * {@code session} of {@code clientId} is being handed over: its plain filters stay until {@link
   * #taken}. Answers the number of this handover, for {@link #outlived}.
   */
  long handing(Object session, String clientId) {
    handing.put(session, clientId);
    long n = handovers.incrementAndGet();
    latest.put(clientId, n);
    return n;
  }

  /**
   * Whether handover {@code n} of {@code clientId} is the latest of that client id and its new
   * home has not said it holds the session (then the caller drops the filters kept for it).
   */
  boolean outlived(String clientId, long n) {
    return latest.remove(clientId, n);
  }

  /** The hand-over of {@code session} is over here (its subscriptions are gone). */
  void handed(Object session) {
    handing.remove(session);
  }

  /**
   * What takes {@code session}'s place among the subscribers of {@code filter} when it leaves
   * them ({@code filter} as the client wrote it): its {@link Handed} mark while it is being handed
   * over, else null.
   */
  Handed unsubscribed(Object session, String filter, String shareGroup) {
    String clientId = handing.get(session);
    if (clientId == null) {
      return null;
    }
    Handed mark = marks.computeIfAbsent(clientId, Handed::new);
    Topics.Shared shared = Topics.parseShared(filter);
    if (trie.add(shared == null ? filter : shared.filter(), shared == null ? null : shared.group(), mark, clientId)) {
      kept.computeIfAbsent(clientId, c -> new ArrayList<>()).add(filter);
    }
    return mark;
  }

  /** The new home holds the session of {@code clientId}: the filters kept for it, which go now. */
  List<String> taken(String clientId) {
    latest.remove(clientId);
    List<String> filters = kept.remove(clientId);
    Handed mark = marks.remove(clientId);
    if (filters == null) {
      return List.of();
    }
    for (String f : filters) {
      Topics.Shared shared = Topics.parseShared(f);
      trie.remove(shared == null ? f : shared.filter(), shared == null ? null : shared.group(), mark);
    }
    return filters;
  }

  /** Whether {@code topic} matches a filter (plain or shared) kept for a handed session. */
  boolean matches(String topic) {
    if (trie.size() == 0) {
      return false;
    }
    boolean[] hit = new boolean[1];
    trie.match(topic, new SubscriptionTrie.Visitor<>() {
      @Override
      public void subscriber(String clientId) {
        hit[0] = true;
      }

      @Override
      public void shared(SubscriptionTrie.SharedGroup<String> group) {
        hit[0] = true;
      }
    });
    return hit[0];
  }
}
