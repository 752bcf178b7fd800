package dev.parley.mqtt.routing;

import dev.parley.mqtt.message.AppMessage;
import dev.parley.mqtt.session.SubscriptionEntry;
import java.util.concurrent.CompletableFuture;

/**
 * Delivers a published message to every matching subscription, wherever its session lives, and
 * learns the subscriptions of this node's sessions as they change.
 *
 * <p>The in-process implementation ({@link LocalMessageRouter}) routes through this node's
 * subscription trie. The contract a cluster implementation (a bus between nodes, such as Redis)
 * must keep: {@link #subscribed} and {@link #unsubscribed} also tell the other nodes which filters
 * this node has subscribers for; {@link #route} delivers to this node's matching sessions as the
 * local router does and hands the message once to every other node with a matching filter, which
 * delivers it to its own sessions (never back to this one); a shared subscription group gives one
 * copy across all nodes. Messages for persistent sessions at QoS 1/2 are written to the store
 * before they are handed to their session; {@link Routed#durable} covers the writes of this node
 * and, for QoS 1/2, the other nodes' confirms that they wrote their copies (failing with
 * {@link NotConfirmedException} when one does not come in time). {@code route} never blocks; any
 * thread may call.
 */
public interface MessageRouter {
  /**
   * What routing did.
   *
   * @param matched sessions the message went to
   * @param durable completes when the stored copies are durable; null when nothing was stored
   */
  record Routed(int matched, CompletableFuture<Void> durable) {}

  /**
   * The QoS 2 flow a client's publish belongs to.
   *
   * @param packetId the publisher's packet id
   * @param resend the client sent it again (DUP) and this server had not answered it with PUBREC:
   *     copies stored for it the first time must not be stored again
   */
  record Qos2(int packetId, boolean resend) {}

  /** Routes {@code m} to every matching subscription. */
  Routed route(AppMessage m);

  /**
   * Routes a client's QoS 2 publish of {@code flow}. One node routes a resend as a new message: its
   * first copy was either stored (and acknowledged) here or not at all. A cluster router must not
   * store a resend's copies again on the nodes that stored the first.
   */
  default Routed route(AppMessage m, Qos2 flow) {
    return route(m);
  }

  /** A session on this node added (or replaced) a subscription. Its session's loop. */
  void subscribed(SubscriptionEntry entry);

  /** A session on this node removed a subscription. Its session's loop. */
  void unsubscribed(SubscriptionEntry entry);
}
