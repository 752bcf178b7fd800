package dev.parley.mqtt.routing;

import dev.parley.mqtt.codec.MqttPacket;
import dev.parley.mqtt.message.AppMessage;
import dev.parley.mqtt.session.Outgoing;
import dev.parley.mqtt.session.Session;
import dev.parley.mqtt.session.SubscriptionEntry;
import dev.parley.mqtt.store.MqttStore;
import dev.parley.mqtt.topic.SubscriptionTrie;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * The router of a single node: delivers one application message to every matching subscription
 * in this node's trie. Overlapping subscriptions of one session give one copy (highest QoS, every
 * subscription identifier); each shared group gives one member a copy. Messages for persistent
 * sessions at QoS 1/2 are written to the store first; then each session gets its copy on its own
 * event loop, one task per loop and batch. Routes on the publisher's thread; thread-safe.
 */
public final class LocalMessageRouter implements MessageRouter {
  private static final Routed NOBODY = new Routed(0, null);

  private final SubscriptionTrie<SubscriptionEntry> trie;
  private final MqttStore store;

  public LocalMessageRouter(SubscriptionTrie<SubscriptionEntry> trie, MqttStore store) {
    this.trie = trie;
    this.store = store;
  }

  @Override
  public void subscribed(SubscriptionEntry e) {
    e.addTo(trie);
  }

  @Override
  public void unsubscribed(SubscriptionEntry e) {
    e.removeFrom(trie);
  }

  @Override
  public Routed route(AppMessage m) {
    return route(m, true, g -> true);
  }

  /**
   * Routes {@code m} to this node's plain subscriptions (when {@code plain}) and to the shared
   * groups {@code shared} accepts (a cluster picks the node of each group).
   */
  public Routed route(AppMessage m, boolean plain, Predicate<SubscriptionTrie.SharedGroup<SubscriptionEntry>> shared) {
    Collector c = new Collector(m, plain, shared);
    trie.match(m.topic(), c);
    List<Target> targets = c.targets;
    if (targets.isEmpty()) {
      return NOBODY;
    }
    List<MqttStore.QueuedRow> rows = null;
    for (Target t : targets) {
      long storeId = 0;
      if (t.qos > 0 && t.session.persistent()) {
        storeId = store.nextQueueId();
        if (rows == null) {
          rows = new ArrayList<>();
        }
        rows.add(new MqttStore.QueuedRow(storeId, t.session.key(), m, t.qos, t.retain, t.ids()));
      }
      t.outgoing = new Outgoing(m, t.qos, t.retain, t.ids(), storeId);
    }
    CompletableFuture<Void> durable = rows == null ? null : store.insertQueued(rows);
    dispatch(targets);
    return new Routed(targets.size(), durable);
  }

  private static void dispatch(List<Target> targets) {
    if (targets.size() == 1) {
      Target t = targets.get(0);
      t.session.execute(() -> t.session.deliver(t.outgoing));
      return;
    }
    Map<EventExecutor, List<Target>> byLoop = null;
    for (Target t : targets) {
      EventExecutor home = t.session.home();
      if (home.inEventLoop()) {
        t.session.deliver(t.outgoing);
        continue;
      }
      if (byLoop == null) {
        byLoop = new IdentityHashMap<>(4);
      }
      byLoop.computeIfAbsent(home, k -> new ArrayList<>()).add(t);
    }
    if (byLoop != null) {
      for (Map.Entry<EventExecutor, List<Target>> e : byLoop.entrySet()) {
        List<Target> batch = e.getValue();
        e.getKey().execute(() -> {
          for (Target t : batch) {
            // The session may have moved to another loop meanwhile: execute follows it.
            t.session.execute(() -> t.session.deliver(t.outgoing));
          }
        });
      }
    }
  }

  /** One session's copy of the message. */
  private static final class Target {
    final Session session;
    int qos;
    boolean retain;
    int subId;
    List<Integer> moreIds;
    Outgoing outgoing;

    Target(Session session, int qos, boolean retain, int subId) {
      this.session = session;
      this.qos = qos;
      this.retain = retain;
      this.subId = subId;
    }

    int[] ids() {
      if (moreIds == null) {
        return subId == 0 ? MqttPacket.Publish.NO_IDS : new int[] {subId};
      }
      int[] out = new int[moreIds.size() + (subId == 0 ? 0 : 1)];
      int i = 0;
      if (subId != 0) {
        out[i++] = subId;
      }
      for (int id : moreIds) {
        out[i++] = id;
      }
      return out;
    }
  }

  private static final class Collector implements SubscriptionTrie.Visitor<SubscriptionEntry> {
    final AppMessage m;
    final boolean plain;
    final Predicate<SubscriptionTrie.SharedGroup<SubscriptionEntry>> groups;
    final List<Target> targets = new ArrayList<>(4);
    Map<Session, Target> bySession;

    Collector(AppMessage m, boolean plain, Predicate<SubscriptionTrie.SharedGroup<SubscriptionEntry>> groups) {
      this.m = m;
      this.plain = plain;
      this.groups = groups;
    }

    @Override
    public void subscriber(SubscriptionEntry e) {
      if (!plain) {
        return;
      }
      Session s = e.session();
      if (e.noLocal() && s.clientId().equals(m.origin())) {
        return;
      }
      int qos = Math.min(m.qos(), e.qos());
      boolean retain = e.retainAsPublished() && m.retain();
      if (!s.multiSubscribed()) {
        targets.add(new Target(s, qos, retain, e.subscriptionId()));
        return;
      }
      if (bySession == null) {
        bySession = new IdentityHashMap<>();
      }
      Target t = bySession.get(s);
      if (t == null) {
        t = new Target(s, qos, retain, e.subscriptionId());
        bySession.put(s, t);
        targets.add(t);
        return;
      }
      t.qos = Math.max(t.qos, qos);
      t.retain |= retain;
      if (e.subscriptionId() != 0) {
        if (t.subId == 0) {
          t.subId = e.subscriptionId();
        } else {
          if (t.moreIds == null) {
            t.moreIds = new ArrayList<>(2);
          }
          t.moreIds.add(e.subscriptionId());
        }
      }
    }

    @Override
    public void shared(SubscriptionTrie.SharedGroup<SubscriptionEntry> group) {
      if (!groups.test(group)) {
        return;
      }
      SubscriptionEntry e = group.pick(x -> x.session().connected());
      if (e == null) {
        return;
      }
      targets.add(new Target(e.session(), Math.min(m.qos(), e.qos()), e.retainAsPublished() && m.retain(),
          e.subscriptionId()));
    }
  }
}
