package dev.parley.mqtt.transport;

import dev.parley.mqtt.auth.Acl;
import dev.parley.mqtt.broker.Broker;
import dev.parley.mqtt.codec.MqttPacket;
import dev.parley.mqtt.codec.MqttVersion;
import dev.parley.mqtt.codec.Properties;
import dev.parley.mqtt.codec.ReasonCode;
import dev.parley.mqtt.config.MqttSettings;
import dev.parley.mqtt.message.AppMessage;
import dev.parley.mqtt.session.Session;
import dev.parley.mqtt.session.SubscriptionEntry;
import dev.parley.mqtt.topic.Topics;
import java.util.ArrayList;
import java.util.List;

/**
 * SUBSCRIBE and UNSUBSCRIBE: filter checks, access rules, the session's subscriptions, and retained
 * messages after SUBACK. Holds no state of its own: one serves every connection of the broker, on
 * the connection's event loop.
 */
final class SubscribeFlow {
  private final Broker broker;
  private final MqttSettings settings;
  private final Acl acl;

  SubscribeFlow(Broker broker, MqttSettings settings, Acl acl) {
    this.broker = broker;
    this.settings = settings;
    this.acl = acl;
  }

  void subscribe(Peer conn, MqttPacket.Subscribe s) {
    Session session = conn.session();
    boolean v5 = conn.level() == MqttVersion.V5;
    int[] codes = new int[s.subscriptions().size()];
    List<SubscriptionEntry> sendRetained = new ArrayList<>();
    String problem = null;
    for (int i = 0; i < codes.length; i++) {
      MqttPacket.Subscription sub = s.subscriptions().get(i);
      Topics.Shared shared;
      try {
        shared = Topics.parseShared(sub.filter());
      } catch (IllegalArgumentException e) {
        codes[i] = v5 ? ReasonCode.TOPIC_FILTER_INVALID : ReasonCode.V3_SUBACK_FAILURE;
        problem = e.getMessage();
        continue;
      }
      String filter = shared == null ? sub.filter() : shared.filter();
      if (shared != null && sub.noLocal()) {
        conn.fail(ReasonCode.PROTOCOL_ERROR, "no local on a shared subscription");
        return;
      }
      if (!Topics.isValidFilter(filter) || Topics.levels(filter) > settings.maxTopicLevels()) {
        codes[i] = v5 ? ReasonCode.TOPIC_FILTER_INVALID : ReasonCode.V3_SUBACK_FAILURE;
        problem = "invalid topic filter " + sub.filter();
        continue;
      }
      if (!acl.canSubscribe(conn.identity(), conn.clientId(), filter)) {
        codes[i] = v5 ? ReasonCode.NOT_AUTHORIZED : ReasonCode.V3_SUBACK_FAILURE;
        problem = "not allowed to subscribe to " + sub.filter();
        continue;
      }
      SubscriptionEntry entry = new SubscriptionEntry(session, sub.filter(), filter,
          shared == null ? null : shared.group(), sub.qos(), sub.noLocal(), sub.retainAsPublished(),
          sub.retainHandling(), s.subscriptionId());
      boolean existed = session.subscribe(entry);
      codes[i] = sub.qos();
      if (shared == null && (sub.retainHandling() == 0 || (sub.retainHandling() == 1 && !existed))) {
        sendRetained.add(entry);
      }
    }
    conn.send(new MqttPacket.SubAck(s.packetId(), codes, v5 && problem != null ? conn.reasonProps(problem)
        : Properties.NONE));
    for (SubscriptionEntry e : sendRetained) {
      int[] ids = e.subscriptionId() == 0 ? MqttPacket.Publish.NO_IDS : new int[] {e.subscriptionId()};
      broker.retainedFor(e.topicFilter(), (AppMessage m) -> {
        int qos = Math.min(m.qos(), e.qos());
        session.deliver(broker.outgoingFor(session, m, qos, true, ids));
      });
    }
  }

  void unsubscribe(Peer conn, MqttPacket.Unsubscribe u) {
    int[] codes = new int[u.filters().size()];
    for (int i = 0; i < codes.length; i++) {
      codes[i] = conn.session().unsubscribe(u.filters().get(i)) ? ReasonCode.SUCCESS
          : ReasonCode.NO_SUBSCRIPTION_EXISTED;
    }
    conn.send(new MqttPacket.UnsubAck(u.packetId(), codes, Properties.NONE));
  }
}
