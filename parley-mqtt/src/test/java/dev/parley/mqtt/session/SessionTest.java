package dev.parley.mqtt.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.core.testing.ManualTime;
import dev.parley.core.time.TimeSource;
import dev.parley.mqtt.auth.Identity;
import dev.parley.mqtt.codec.MessageProps;
import dev.parley.mqtt.codec.MqttPacket;
import dev.parley.mqtt.codec.MqttVersion;
import dev.parley.mqtt.codec.PacketType;
import dev.parley.mqtt.codec.ReasonCode;
import dev.parley.mqtt.codec.MqttEncoder;
import dev.parley.mqtt.codec.Properties;
import dev.parley.mqtt.config.MqttSettings;
import dev.parley.mqtt.config.QueueFullPolicy;
import dev.parley.mqtt.message.AppMessage;
import dev.parley.mqtt.message.WillMessage;
import dev.parley.mqtt.store.SessionStore;
import dev.parley.mqtt.store.SubscriptionRow;
import dev.parley.mqtt.topic.SubscriptionTrie;
import io.netty.util.concurrent.DefaultEventExecutor;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A session on its own, against a recording host and link, with time moved by hand: wills and
 * their delay, expiry, takeover, the in-flight window and queue, packet ids, QoS 2 both ways and
 * what is written to the store.
 */
class SessionTest {
  final Host host = new Host();
  final Link5 link = new Link5(MqttVersion.V5);
  final Session s = new Session(host, "c1", 42, ImmediateEventExecutor.INSTANCE);

  static final WillMessage WILL = new WillMessage("w/t", "bye".getBytes(), 1, false, MessageProps.NONE, 0);

  static WillMessage delayed(long seconds) {
    return new WillMessage("w/t", "late".getBytes(), 1, true, MessageProps.NONE, seconds);
  }

  static AppMessage message(String payload) {
    return new AppMessage("a/b", payload.getBytes(), 2, false, MessageProps.NONE, AppMessage.NEVER, "x");
  }

  Outgoing out(String payload, int qos, long storeId) {
    return new Outgoing(message(payload), qos, false, new int[] {7}, storeId);
  }

  List<String> payloads() {
    return link.sent.stream().filter(p -> p instanceof MqttPacket.Publish)
        .map(p -> new String(((MqttPacket.Publish) p).payload())).toList();
  }

  MqttPacket.Publish lastPublish() {
    for (int i = link.sent.size() - 1; i >= 0; i--) {
      if (link.sent.get(i) instanceof MqttPacket.Publish p) {
        return p;
      }
    }
    throw new AssertionError("no PUBLISH sent");
  }

  // --- wills and expiry ----------------------------------------------------------------

  @Test
  void delayedWillWaitsItsDelayAndAReconnectCancelsIt() {
    s.attach(link, Identity.ANONYMOUS, 60, delayed(10));
    s.detach(link, true);
    host.time.advance(Duration.ofSeconds(10).minusMillis(1));
    assertThat(host.wills).isEmpty();
    // The new connection has a will of its own: the old timer must not send it while connected.
    s.attach(new Link5(MqttVersion.V5), Identity.ANONYMOUS, 60, WILL);
    // Stored as connected again, with the new will.
    assertThat(host.lastRow().disconnectedAt()).isZero();
    assertThat(host.lastRow().will().payload()).containsExactly('b', 'y', 'e');
    host.time.advance(Duration.ofSeconds(100));
    assertThat(host.wills).isEmpty();
    assertThat(s.ended()).isFalse();
  }

  @Test
  void aWillStillPendingWhenTheSessionExpiresGoesOutThen() {
    long now = host.nowMillis();
    // A row stored with a will due after the session's end: the expiry sends it.
    s.restoreOffline(MqttVersion.V5, 10, null, now, delayed(60), now + 60_000);
    host.time.advance(Duration.ofSeconds(10));
    assertThat(host.wills).hasSize(1);
    assertThat(s.ended()).isTrue();
    assertThat(host.time.pending()).isZero();
  }

  @Test
  void delayedWillGoesOutWhenItsDelayPasses() {
    WillMessage will = delayed(10);
    s.attach(link, Identity.ANONYMOUS, 60, will);
    s.detach(link, true);
    assertThat(host.lastRow().will()).isNotNull();
    assertThat(host.lastRow().willDueAt()).isEqualTo(host.startMillis + 10_000);
    assertThat(host.lastRow().disconnectedAt()).isEqualTo(host.startMillis);
    host.time.advance(Duration.ofSeconds(10));
    assertThat(host.wills).containsExactly(will);
    // The row no longer holds it, so a restart does not send it again.
    assertThat(host.lastRow().will()).isNull();
    assertThat(host.lastRow().willDueAt()).isZero();
    host.time.advance(Duration.ofSeconds(50).minusMillis(1));
    assertThat(s.ended()).isFalse();
    host.time.advance(Duration.ofMillis(1));
    assertThat(s.ended()).isTrue();
    assertThat(host.wills).hasSize(1);
  }

  @Test
  void willWithoutDelayGoesOutAtOnceAndANormalDisconnectDiscardsIt() {
    s.attach(link, Identity.ANONYMOUS, 60, WILL);
    s.detach(link, true);
    assertThat(host.wills).containsExactly(WILL);
    Session other = new Session(host, "c2", 43, ImmediateEventExecutor.INSTANCE);
    Link5 l = new Link5(MqttVersion.V5);
    other.attach(l, Identity.ANONYMOUS, 60, WILL);
    other.detach(l, false);
    host.time.advance(Duration.ofSeconds(61));
    assertThat(host.wills).hasSize(1);
    assertThat(other.ended()).isTrue();
  }

  @Test
  void willDelayLongerThanTheSessionGoesOutWhenTheSessionEnds() {
    s.attach(link, Identity.ANONYMOUS, 5, delayed(3600));
    s.detach(link, true);
    host.time.advance(Duration.ofSeconds(5).minusMillis(1));
    assertThat(host.wills).isEmpty();
    host.time.advance(Duration.ofMillis(1));
    assertThat(host.wills).hasSize(1);
    assertThat(s.ended()).isTrue();
  }

  @Test
  void aSessionWithoutExpiryEndsWithItsConnectionAndSendsItsWill() {
    s.subscribe(entry("a/#", 1));
    s.attach(link, Identity.ANONYMOUS, 0, delayed(30));
    s.detach(link, true);
    assertThat(host.wills).hasSize(1);
    assertThat(s.ended()).isTrue();
    assertThat(host.endedSessions).containsExactly(s);
    assertThat(host.trie.size()).isZero();
    assertThat(host.log).noneMatch(l -> l.startsWith("saveSession"));
  }

  @Test
  void sessionExpiresAfterItsIntervalUnlessItIsTheMaximum() {
    s.attach(link, Identity.ANONYMOUS, 5, null);
    s.subscribe(entry("a/#", 1));
    s.detach(link, true);
    host.time.advance(Duration.ofSeconds(5).minusMillis(1));
    assertThat(s.ended()).isFalse();
    host.time.advance(Duration.ofMillis(1));
    assertThat(s.ended()).isTrue();
    assertThat(host.log).contains("deleteSession 42");
    assertThat(host.trie.size()).isZero();

    Session forever = new Session(host, "c2", 43, ImmediateEventExecutor.INSTANCE);
    Link5 l = new Link5(MqttVersion.V5);
    forever.attach(l, Identity.ANONYMOUS, 0xFFFFFFFFL, null);
    forever.detach(l, true);
    assertThat(host.time.pending()).isZero();
    host.time.advance(Duration.ofDays(1000));
    assertThat(forever.ended()).isFalse();
  }

  @Test
  void detachFromALinkThatNoLongerHoldsTheSessionDoesNothing() {
    s.attach(link, Identity.ANONYMOUS, 0, WILL);
    s.detach(new Link5(MqttVersion.V5), true);
    assertThat(s.connected()).isTrue();
    assertThat(host.wills).isEmpty();
  }

  @Test
  void takeoverSendsTheWillOfTheOldConnectionOnlyWhenItHasNoDelayOrTheSessionEnds() {
    s.attach(link, Identity.ANONYMOUS, 60, WILL);
    assertThat(s.takeOver(false)).isSameAs(link);
    assertThat(host.wills).containsExactly(WILL);
    assertThat(s.connected()).isFalse();

    Session d = new Session(host, "c2", 43, ImmediateEventExecutor.INSTANCE);
    Link5 l = new Link5(MqttVersion.V5);
    d.attach(l, Identity.ANONYMOUS, 60, delayed(10));
    d.takeOver(false);
    assertThat(host.wills).hasSize(1);
    d.attach(new Link5(MqttVersion.V5), Identity.ANONYMOUS, 60, delayed(10));
    d.takeOver(true);
    assertThat(host.wills).hasSize(2);

    // Offline with a pending delayed will: a takeover cancels it unless the session ends.
    Session o = new Session(host, "c3", 44, ImmediateEventExecutor.INSTANCE);
    Link5 l3 = new Link5(MqttVersion.V5);
    o.attach(l3, Identity.ANONYMOUS, 60, delayed(10));
    o.detach(l3, true);
    assertThat(o.takeOver(false)).isNull();
    host.time.advance(Duration.ofSeconds(100));
    assertThat(host.wills).hasSize(2);
    assertThat(o.ended()).isFalse();
  }

  @Test
  void aSessionLostInTransitEndsOrWaitsForItsExpiry() {
    s.attach(link, Identity.ANONYMOUS, 0, null);
    s.takeOver(false);
    s.detachedInTransit();
    assertThat(s.ended()).isTrue();

    Session p = new Session(host, "c2", 43, ImmediateEventExecutor.INSTANCE);
    Link5 l = new Link5(MqttVersion.V5);
    p.attach(l, Identity.ANONYMOUS, 5, null);
    p.takeOver(false);
    host.time.advance(Duration.ofSeconds(2));
    p.detachedInTransit();
    assertThat(host.lastRow().disconnectedAt()).isEqualTo(host.startMillis + 2000);
    host.time.advance(Duration.ofSeconds(5).minusMillis(1));
    assertThat(p.ended()).isFalse();
    host.time.advance(Duration.ofMillis(1));
    assertThat(p.ended()).isTrue();
  }

  @Test
  void restoredSessionKeepsTheTimeItHadLeft() {
    host.time.advance(Duration.ofSeconds(100));
    long now = host.nowMillis();
    s.restoreOffline(MqttVersion.V5, 60, "alice", now - 50_000, delayed(30), now + 4_000);
    assertThat(s.ownerId()).isEqualTo("alice");
    assertThat(s.identity().userId()).isEqualTo("alice");
    assertThat(s.persistent()).isTrue();
    host.time.advance(Duration.ofMillis(3999));
    assertThat(host.wills).isEmpty();
    host.time.advance(Duration.ofMillis(1));
    assertThat(host.wills).hasSize(1);
    host.time.advance(Duration.ofSeconds(6).minusMillis(1));
    assertThat(s.ended()).isFalse();
    host.time.advance(Duration.ofMillis(1));
    assertThat(s.ended()).isTrue();

    Session late = new Session(host, "c2", 43, ImmediateEventExecutor.INSTANCE);
    late.restoreOffline(MqttVersion.V3_1_1, 60, null, now - 90_000, delayed(30), now - 1);
    // Due while the server was down: the will goes now, and the session ends now.
    assertThat(host.wills).hasSize(2);
    assertThat(late.ended()).isTrue();
    assertThat(late.ownerId()).isNull();
  }

  @Test
  void expiryChangesAtDisconnectDecideWhatIsStored() {
    s.attach(link, Identity.ANONYMOUS, 0, null);
    s.subscribe(entry("a/#", 1));
    assertThat(host.log).noneMatch(l -> l.startsWith("saveSubscription"));
    s.expiryOnDisconnect(30);
    assertThat(s.persistent()).isTrue();
    assertThat(s.expirySeconds()).isEqualTo(30);
    assertThat(host.log).contains("saveSubscription 42 a/#");
    assertThat(host.lastRow().expirySeconds()).isEqualTo(30);
    assertThat(host.lastRow().disconnectedAt()).isZero();
    s.expiryOnDisconnect(0);
    assertThat(s.persistent()).isFalse();
    assertThat(host.log).contains("deleteSession 42");
  }

  // --- subscriptions -----------------------------------------------------------------------

  SubscriptionEntry entry(String filter, int qos) {
    return new SubscriptionEntry(s, filter, filter, null, qos, false, false, 0, 0);
  }

  @Test
  void subscriptionsGoToTheTrieAndTheStoreOfAPersistentSession() {
    s.attach(link, Identity.ANONYMOUS, 60, null);
    assertThat(s.subscribe(entry("a/#", 1))).isFalse();
    assertThat(s.multiSubscribed()).isFalse();
    assertThat(s.subscribe(entry("b", 0))).isFalse();
    assertThat(s.multiSubscribed()).isTrue();
    assertThat(s.subscribe(entry("b", 2))).isTrue();
    assertThat(host.trie.size()).isEqualTo(2);
    assertThat(s.subscriptions()).extracting(SubscriptionEntry::qos).containsExactlyInAnyOrder(1, 2);
    assertThat(host.log).contains("saveSubscription 42 a/#", "saveSubscription 42 b");
    assertThat(s.unsubscribe("b")).isTrue();
    assertThat(s.multiSubscribed()).isFalse();
    assertThat(s.unsubscribe("b")).isFalse();
    assertThat(host.log).containsOnlyOnce("deleteSubscription 42 b");
    assertThat(host.trie.size()).isEqualTo(1);
    s.restoreSubscription(entry("c", 1));
    assertThat(host.trie.size()).isEqualTo(2);
    assertThat(s.multiSubscribed()).isTrue();
    Session restored = new Session(host, "c2", 43, ImmediateEventExecutor.INSTANCE);
    restored.restoreSubscription(new SubscriptionEntry(restored, "d", "d", null, 1, false, false, 0, 0));
    assertThat(restored.multiSubscribed()).isFalse();
  }

  @Test
  void subscriptionOptionsPackAsInSubscribe() {
    assertThat(new SubscriptionEntry(s, "f", "f", null, 2, true, true, 2, 0).options()).isEqualTo(0x2E);
    assertThat(new SubscriptionEntry(s, "f", "f", null, 1, false, false, 1, 0).options()).isEqualTo(0x11);
    assertThat(new SubscriptionEntry(s, "f", "f", null, 0, true, false, 0, 0).options()).isEqualTo(0x04);
    assertThat(new SubscriptionEntry(s, "f", "f", null, 0, false, true, 0, 0).options()).isEqualTo(0x08);
  }

  // --- outbound ------------------------------------------------------------------------------

  @Test
  void qos0GoesOutWhenWritableAndIsDroppedOtherwise() {
    s.deliver(out("offline", 0, 0));
    assertThat(host.dropped).containsEntry("offline", 1);
    s.attach(link, Identity.ANONYMOUS, 60, null);
    s.deliver(out("now", 0, 0));
    link.writable = false;
    s.deliver(out("slow", 0, 0));
    assertThat(payloads()).containsExactly("now");
    assertThat(host.dropped).containsEntry("slow_consumer", 1);
    assertThat(host.sent).isEqualTo(1);
    assertThat(lastPublish().packetId()).isZero();
  }

  @Test
  void theWindowHoldsMessagesBackUntilAcknowledged() {
    link.receiveMaximum = 2;
    s.attach(link, Identity.ANONYMOUS, 60, null);
    s.deliver(new Outgoing(message("m1"), 1, false, new int[] {7}, 0));
    s.deliver(new Outgoing(message("m2"), 1, false, new int[] {7}, 0));
    s.deliver(new Outgoing(message("m3"), 1, false, new int[] {7}, 0));
    s.deliver(new Outgoing(message("m3b"), 1, false, new int[] {7}, 0));
    assertThat(payloads()).containsExactly("m1", "m2");
    assertThat(s.inflightCount()).isEqualTo(2);
    assertThat(s.queued()).isEqualTo(2);
    MqttPacket.Publish first = (MqttPacket.Publish) link.sent.get(0);
    assertThat(first.packetId()).isEqualTo(1);
    assertThat(first.qos()).isEqualTo(1);
    assertThat(first.dup()).isFalse();
    assertThat(first.subscriptionIds()).containsExactly(7);
    s.onPubAck(1);
    // One acknowledgement makes room for exactly one more.
    assertThat(payloads()).containsExactly("m1", "m2", "m3");
    assertThat(lastPublish().packetId()).isEqualTo(3);
    // A second PUBACK for the same id, or one for a QoS 2 id, changes nothing.
    s.onPubAck(1);
    assertThat(s.inflightCount()).isEqualTo(2);
    s.onPubAck(2);
    s.onPubAck(3);
    assertThat(payloads()).containsExactly("m1", "m2", "m3", "m3b");
    // Not writable: new messages queue even with room in the window.
    s.onPubAck(4);
    link.writable = false;
    s.deliver(new Outgoing(message("m4"), 1, false, new int[0], 0));
    assertThat(s.queued()).isEqualTo(1);
    link.writable = true;
    s.drain();
    assertThat(payloads()).endsWith("m4");
    assertThat(s.queued()).isZero();
  }

  @Test
  void aFullQueueDropsTheNewMessageOrTheOldestByPolicy() {
    host.settings = Host.settings(2, QueueFullPolicy.DROP_NEW);
    s.attach(link, Identity.ANONYMOUS, 60, null);
    link.writable = false;
    s.deliver(out("a", 1, 11));
    s.deliver(out("b", 1, 12));
    s.deliver(out("c", 1, 13));
    assertThat(host.dropped).containsEntry("queue_full", 1);
    assertThat(host.log).contains("deleteQueued 13");
    assertThat(s.storeIds()).containsExactly(11L, 12L);
    host.settings = Host.settings(2, QueueFullPolicy.DROP_OLDEST);
    s.deliver(out("d", 1, 14));
    assertThat(host.log).contains("deleteQueued 11");
    link.writable = true;
    s.drain();
    assertThat(payloads()).containsExactly("b", "d");
  }

  @Test
  void expiredMessagesAreDroppedAndTheRestCarryTheTimeLeft() {
    s.attach(link, Identity.ANONYMOUS, 60, null);
    long now = host.nowMillis();
    AppMessage soon = new AppMessage("a/b", "soon".getBytes(), 1, false, MessageProps.NONE.withExpiry(10),
        now + 10_000, null);
    s.deliver(new Outgoing(new AppMessage("a/b", "gone".getBytes(), 1, false, MessageProps.NONE, now, null), 1, false,
        new int[0], 5));
    assertThat(host.dropped).containsEntry("expired", 1);
    assertThat(host.log).contains("deleteQueued 5");
    link.writable = false;
    s.deliver(new Outgoing(soon, 1, false, new int[0], 0));
    s.deliver(new Outgoing(new AppMessage("a/b", "later".getBytes(), 1, false, MessageProps.NONE.withExpiry(30),
        now + 30_000, null), 1, false, new int[0], 0));
    host.time.advance(Duration.ofSeconds(20));
    link.writable = true;
    s.drain();
    assertThat(payloads()).containsExactly("later");
    assertThat(host.dropped).containsEntry("expired", 2);
    assertThat(lastPublish().props().messageExpirySeconds()).isEqualTo(10);
  }

  @Test
  void topicAliasesAreUsedWhereTheLinkOffersThemAndNeverOnAResend() {
    link.aliasMax = 1;
    s.attach(link, Identity.ANONYMOUS, 60, null);
    s.deliver(out("1", 1, 0));
    s.deliver(out("2", 1, 0));
    s.deliver(new Outgoing(new AppMessage("other", "3".getBytes(), 0, false, MessageProps.NONE, AppMessage.NEVER,
        null), 0, false, new int[0], 0));
    List<MqttPacket.Publish> p = link.publishes();
    assertThat(p.get(0).topic()).isEqualTo("a/b");
    assertThat(p.get(0).topicAlias()).isEqualTo(1);
    assertThat(p.get(1).topic()).isEmpty();
    assertThat(p.get(1).topicAlias()).isEqualTo(1);
    assertThat(p.get(2).topic()).isEqualTo("other");
    assertThat(p.get(2).topicAlias()).isZero();
    // Reconnect: the resend has DUP, the whole topic and no alias (the new connection knows none).
    Link5 again = new Link5(MqttVersion.V5);
    again.aliasMax = 5;
    s.attach(again, Identity.ANONYMOUS, 60, null);
    s.resume();
    assertThat(again.publishes()).extracting(MqttPacket.Publish::topic).containsExactly("a/b", "a/b");
    assertThat(again.publishes()).allMatch(x -> x.dup() && x.topicAlias() == 0);
    assertThat(again.publishes()).extracting(MqttPacket.Publish::packetId).containsExactly(1, 2);
  }

  @Test
  void mqtt311PeersGetNoAliasesNoIdentifiersAndNoReasonCodes() {
    Link5 v3 = new Link5(MqttVersion.V3_1_1);
    v3.aliasMax = 5;
    s.attach(v3, Identity.ANONYMOUS, 60, null);
    s.deliver(out("x", 1, 0));
    MqttPacket.Publish p = v3.publishes().get(0);
    assertThat(p.topicAlias()).isZero();
    assertThat(p.topic()).isEqualTo("a/b");
    assertThat(p.subscriptionIds()).isEmpty();
    s.onPubRec(999, 0);
    assertThat(v3.sent.get(1)).isEqualTo(new MqttPacket.PubReply(PacketType.PUBREL, 999));
  }

  @Test
  void aMessageTooLargeForTheClientIsDroppedAsIfSent() {
    link.maxPacketSize = 20;
    s.attach(link, Identity.ANONYMOUS, 60, null);
    s.deliver(out("this payload makes the packet larger than twenty bytes", 1, 9));
    s.deliver(out("ok", 0, 0));
    assertThat(payloads()).containsExactly("ok");
    assertThat(host.dropped).containsEntry("too_large", 1);
    assertThat(host.log).contains("deleteQueued 9");
    assertThat(s.inflightCount()).isZero();
    // Exactly at the limit still goes.
    link.maxPacketSize = MqttEncoder.size(lastPublish(), MqttVersion.V5);
    s.deliver(out("ok", 0, 0));
    assertThat(payloads()).containsExactly("ok", "ok");
  }

  @Test
  void anAcknowledgedStoredMessageLeavesTheStore() {
    s.attach(link, Identity.ANONYMOUS, 60, null);
    s.deliver(out("q1", 1, 20));
    assertThat(host.log).doesNotContain("deleteQueued 20");
    s.onPubAck(1);
    assertThat(host.log).contains("deleteQueued 20");
  }

  @Test
  void qos2OutboundGoesThroughPubrecPubrelPubcomp() {
    s.attach(link, Identity.ANONYMOUS, 60, null);
    s.deliver(out("q2", 2, 21));
    assertThat(host.log).contains("setPacketId 21 1");
    s.onPubAck(1);
    assertThat(s.inflightCount()).isEqualTo(1);
    s.onPubComp(1);
    assertThat(s.inflightCount()).as("PUBCOMP before PUBREC is ignored").isEqualTo(1);
    s.onPubRec(1, ReasonCode.SUCCESS);
    assertThat(link.sent.get(1)).isEqualTo(new MqttPacket.PubReply(PacketType.PUBREL, 1));
    assertThat(host.log).containsOnlyOnce("markReleased 21");
    s.onPubRec(1, ReasonCode.SUCCESS);
    assertThat(host.log).containsOnlyOnce("markReleased 21");
    assertThat(link.sent.get(2)).isEqualTo(new MqttPacket.PubReply(PacketType.PUBREL, 1));
    // Reconnect now: only the PUBREL is sent again.
    Link5 again = new Link5(MqttVersion.V5);
    s.attach(again, Identity.ANONYMOUS, 60, null);
    s.resume();
    assertThat(again.sent).containsExactly(new MqttPacket.PubReply(PacketType.PUBREL, 1));
    s.onPubComp(1);
    assertThat(s.inflightCount()).isZero();
    assertThat(host.log).contains("deleteQueued 21");
    // An unknown id gets PUBREL with 0x92.
    s.onPubRec(77, ReasonCode.SUCCESS);
    assertThat(again.sent.get(1)).isEqualTo(new MqttPacket.PubReply(PacketType.PUBREL, 77,
        ReasonCode.PACKET_IDENTIFIER_NOT_FOUND, Properties.NONE));
  }

  @Test
  void anErrorInPubrecEndsTheFlowAndFreesTheWindow() {
    link.receiveMaximum = 1;
    s.attach(link, Identity.ANONYMOUS, 60, null);
    s.deliver(out("refused", 2, 31));
    s.deliver(out("next", 2, 32));
    s.deliver(out("third", 2, 33));
    s.onPubRec(1, ReasonCode.QUOTA_EXCEEDED);
    assertThat(host.log).contains("deleteQueued 31").doesNotContain("markReleased 31");
    assertThat(payloads()).containsExactly("refused", "next");
    assertThat(link.sent).noneMatch(p -> p.type() == PacketType.PUBREL);
    // PUBCOMP frees the window too.
    s.onPubRec(2, ReasonCode.SUCCESS);
    s.onPubComp(2);
    assertThat(payloads()).containsExactly("refused", "next", "third");
    // A QoS 1 id answered with PUBREC is treated as unknown.
    Session q1 = new Session(host, "c2", 43, ImmediateEventExecutor.INSTANCE);
    Link5 l = new Link5(MqttVersion.V5);
    q1.attach(l, Identity.ANONYMOUS, 60, null);
    q1.deliver(out("one", 1, 0));
    q1.onPubRec(1, ReasonCode.SUCCESS);
    assertThat(q1.inflightCount()).isEqualTo(1);
    assertThat(((MqttPacket.PubReply) l.sent.get(1)).reasonCode()).isEqualTo(ReasonCode.PACKET_IDENTIFIER_NOT_FOUND);
  }

  @Test
  void packetIdsSkipThoseInUseAndWrapAround() {
    s.restoreOutgoing(Outgoing.restored(message("r"), 1, false, new int[0], 1, 65_534, false));
    s.restoreOutgoing(Outgoing.restored(message("q"), 1, false, new int[0], 2, 0, false));
    assertThat(s.inflightCount()).isEqualTo(1);
    assertThat(s.queued()).isEqualTo(1);
    assertThat(s.storeIds()).containsExactly(1L, 2L);
    s.attach(link, Identity.ANONYMOUS, 60, null);
    s.resume();
    assertThat(link.publishes()).extracting(MqttPacket.Publish::packetId).containsExactly(65_534, 65_535);
    assertThat(link.publishes().get(0).dup()).isTrue();
    assertThat(link.publishes().get(1).dup()).isFalse();
    s.deliver(out("wrapped", 1, 0));
    assertThat(lastPublish().packetId()).isEqualTo(1);
    s.onPubAck(65_535);
    s.restoreOutgoing(Outgoing.restored(message("top"), 1, false, new int[0], 3, 65_535, false));
    s.deliver(out("after", 1, 0));
    assertThat(lastPublish().packetId()).isEqualTo(2);
    Outgoing plain = Outgoing.restored(message("x"), 1, false, new int[0], 0, 0, false);
    assertThat(plain.retain()).isFalse();
    assertThat(plain.released()).isFalse();
    Outgoing o = Outgoing.restored(message("x"), 2, true, new int[] {4}, 8, 9, true);
    assertThat(o.qos()).isEqualTo(2);
    assertThat(o.retain()).isTrue();
    assertThat(o.subscriptionIds()).containsExactly(4);
    assertThat(o.storeId()).isEqualTo(8);
    assertThat(o.packetId()).isEqualTo(9);
    assertThat(o.released()).isTrue();
    assertThat(o.message().topic()).isEqualTo("a/b");
  }

  @Test
  void noFreePacketIdIsAnError() {
    for (int id = 1; id <= 65_535; id++) {
      s.restoreOutgoing(Outgoing.restored(message("r"), 1, false, new int[0], 0, id, false));
    }
    link.receiveMaximum = 70_000;
    s.attach(link, Identity.ANONYMOUS, 60, null);
    assertThatThrownBy(() -> s.deliver(out("none", 1, 0))).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void inboundQos2IdsAreRememberedUntilPubrel() {
    s.attach(link, Identity.ANONYMOUS, 0, null);
    assertThat(s.inboundQos2Start(5)).isTrue();
    assertThat(s.inboundQos2Start(5)).isFalse();
    assertThat(s.inboundPending()).isEqualTo(1);
    assertThat(host.log).noneMatch(l -> l.startsWith("addInbound"));
    assertThat(s.inboundQos2Release(5)).isTrue();
    assertThat(s.inboundQos2Release(5)).isFalse();
    assertThat(s.inboundPending()).isZero();
    s.expiryOnDisconnect(60);
    assertThat(s.inboundQos2Start(6)).isTrue();
    assertThat(host.log).contains("addInbound 42 6");
    assertThat(s.inboundQos2Release(6)).isTrue();
    assertThat(host.log).containsOnlyOnce("removeInbound 42 6");
    s.restoreInbound(8);
    assertThat(s.inboundQos2Start(8)).isFalse();
  }

  @Test
  void anEndedSessionForgetsEverythingAndTakesNoMore() {
    s.attach(link, Identity.ANONYMOUS, 60, delayed(30));
    s.subscribe(entry("a/#", 1));
    s.deliver(out("in flight", 1, 50));
    link.writable = false;
    s.deliver(out("queued", 1, 51));
    s.detach(link, true);
    assertThat(host.time.pending()).isEqualTo(2);
    s.end();
    s.end();
    // Its timers are called off, not left to fire into an ended session.
    assertThat(host.time.pending()).isZero();
    assertThat(host.endedSessions).containsExactly(s);
    assertThat(s.queued()).isZero();
    assertThat(s.inflightCount()).isZero();
    assertThat(s.subscriptions()).isEmpty();
    assertThat(host.log).containsOnlyOnce("deleteSession 42");
    s.deliver(out("late", 1, 52));
    assertThat(host.log).contains("deleteQueued 52");
    assertThat(s.queued()).isZero();
    assertThat(s.toString()).contains("c1");
  }

  @Test
  void executeRunsOnTheHomeLoop() throws Exception {
    DefaultEventExecutor loop = new DefaultEventExecutor();
    try {
      Session elsewhere = new Session(host, "c9", 9, loop);
      CompletableFuture<Boolean> ran = new CompletableFuture<>();
      elsewhere.execute(() -> ran.complete(loop.inEventLoop()));
      assertThat(ran.get(5, TimeUnit.SECONDS)).isTrue();
      assertThat(elsewhere.home()).isSameAs(loop);
      assertThat(elsewhere.clientId()).isEqualTo("c9");
      assertThat(elsewhere.key()).isEqualTo(9);
    } finally {
      loop.shutdownGracefully(0, 0, TimeUnit.SECONDS);
    }
  }

  // --- fakes -------------------------------------------------------------------------------

  /** A host that records what the session asks of it. */
  static final class Host implements SessionHost, SessionStore {
    final ManualTime time = new ManualTime();
    final long startMillis = time.millis();
    MqttSettings settings = settings(1000, QueueFullPolicy.DROP_NEW);
    final SubscriptionTrie<SubscriptionEntry> trie = new SubscriptionTrie<>();
    final List<WillMessage> wills = new ArrayList<>();
    final List<Session> endedSessions = new ArrayList<>();
    final Map<String, Integer> dropped = new HashMap<>();
    final List<String> log = new ArrayList<>();
    final List<SessionRow> rows = new ArrayList<>();
    int sent;

    static MqttSettings settings(int maxQueued, QueueFullPolicy policy) {
      return new MqttSettings(1 << 20, Duration.ofSeconds(10), 1200, 1024, 64, maxQueued, policy, 32, 64, 256,
          30L * 24 * 3600, true, 100_000);
    }

    SessionRow lastRow() {
      return rows.get(rows.size() - 1);
    }

    @Override
    public MqttSettings settings() {
      return settings;
    }

    @Override
    public SessionStore store() {
      return this;
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
    public void sessionEnded(Session session) {
      endedSessions.add(session);
    }

    @Override
    public void publishWill(Session session, WillMessage will) {
      wills.add(will);
    }

    @Override
    public void dropped(String reason) {
      dropped.merge(reason, 1, Integer::sum);
    }

    @Override
    public void sent() {
      sent++;
    }

    @Override
    public TimeSource time() {
      return time;
    }

    @Override
    public long nowMillis() {
      return time.millis();
    }

    @Override
    public void saveSession(SessionRow row) {
      rows.add(row);
      log.add("saveSession " + row.key());
    }

    @Override
    public void deleteSession(long key) {
      log.add("deleteSession " + key);
    }

    @Override
    public void saveSubscription(long key, SubscriptionRow entry) {
      log.add("saveSubscription " + key + " " + entry.filter());
    }

    @Override
    public void deleteSubscription(long key, String filter) {
      log.add("deleteSubscription " + key + " " + filter);
    }

    @Override
    public void setPacketId(long storeId, int packetId) {
      log.add("setPacketId " + storeId + " " + packetId);
    }

    @Override
    public void markReleased(long storeId) {
      log.add("markReleased " + storeId);
    }

    @Override
    public void deleteQueued(long storeId) {
      log.add("deleteQueued " + storeId);
    }

    @Override
    public void addInbound(long key, int packetId) {
      log.add("addInbound " + key + " " + packetId);
    }

    @Override
    public void removeInbound(long key, int packetId) {
      log.add("removeInbound " + key + " " + packetId);
    }
  }

  /** A connection that keeps what it is sent. */
  static final class Link5 implements Link {
    final int level;
    final List<MqttPacket> sent = new ArrayList<>();
    boolean writable = true;
    int receiveMaximum = 10;
    long maxPacketSize = Long.MAX_VALUE;
    int aliasMax;
    final Map<String, Integer> aliases = new HashMap<>();

    Link5(int level) {
      this.level = level;
    }

    List<MqttPacket.Publish> publishes() {
      return sent.stream().filter(p -> p instanceof MqttPacket.Publish).map(p -> (MqttPacket.Publish) p).toList();
    }

    @Override
    public int level() {
      return level;
    }

    @Override
    public void send(MqttPacket packet) {
      sent.add(packet);
    }

    @Override
    public boolean writable() {
      return writable;
    }

    @Override
    public int receiveMaximum() {
      return receiveMaximum;
    }

    @Override
    public long maximumPacketSize() {
      return maxPacketSize;
    }

    @Override
    public int topicAlias(String topic) {
      Integer known = aliases.get(topic);
      if (known != null) {
        return -known;
      }
      if (aliases.size() >= aliasMax) {
        return 0;
      }
      aliases.put(topic, aliases.size() + 1);
      return aliases.size();
    }

    @Override
    public void takenOver() {
      sent.add(MqttPacket.Disconnect.NORMAL);
    }
  }
}
