package dev.parley.mqtt.it;

import static org.assertj.core.api.Assertions.assertThat;

import static java.util.stream.Collectors.counting;
import static java.util.stream.Collectors.groupingBy;

import dev.parley.core.testing.ManualTime;
import dev.parley.core.testing.TestKernel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Eclipse Paho's MQTT 5 client against the broker, over TCP and over WebSocket. The server's
 * timers run on {@link #time}; Paho's own keepalive (600 s) never falls due in a test.
 */
class PahoV5InteropTest {
  final ManualTime time = new ManualTime();
  TestKernel server;

  @BeforeEach
  void start() {
    server = MqttServer.start(time, Map.of());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  String uri(String transport) {
    return transport.equals("ws") ? MqttServer.ws(server) : MqttServer.tcp(server);
  }

  static MqttConnectionOptions options(boolean clean, long expiry) {
    MqttConnectionOptions o = new MqttConnectionOptions();
    o.setCleanStart(clean);
    o.setSessionExpiryInterval(expiry);
    o.setAutomaticReconnect(false);
    o.setConnectionTimeout(5);
    // The broker counts keepalive on the test's time: 600 s leave room for every advance below.
    o.setKeepAliveInterval(600);
    return o;
  }

  MqttClient connected(String transport, String id, MqttConnectionOptions o, Collector collector) throws MqttException {
    MqttClient c = new MqttClient(uri(transport), id, new MemoryPersistence());
    if (collector != null) {
      c.setCallback(collector);
    }
    c.connect(o);
    return c;
  }

  static void close(MqttClient c) {
    try {
      if (c.isConnected()) {
        c.disconnect();
      }
      c.close();
    } catch (MqttException e) {
      // Already gone.
    }
  }

  static String text(MqttMessage m) {
    return new String(m.getPayload(), StandardCharsets.UTF_8);
  }

  @ParameterizedTest
  @ValueSource(strings = {"tcp", "ws"})
  void messagePropertiesTravelToTheSubscriber(String transport) throws Exception {
    Collector got = new Collector();
    MqttClient sub = connected(transport, "p5-sub", options(true, 0), got);
    MqttClient pub = connected(transport, "p5-pub", options(true, 0), null);
    try {
      sub.subscribe("public/props", 1);
      MqttMessage m = new MqttMessage("{\"a\":1}".getBytes(), 1, false, null);
      MqttProperties p = new MqttProperties();
      p.setContentType("application/json");
      p.setResponseTopic("public/reply");
      p.setCorrelationData(new byte[] {1, 2, 3});
      p.setUserProperties(List.of(new UserProperty("k", "v"), new UserProperty("k", "w")));
      p.setMessageExpiryInterval(3600L);
      p.setPayloadFormat(true);
      m.setProperties(p);
      pub.publish("public/props", m);
      MqttMessage r = got.messages.await(1).get(0);
      MqttProperties rp = r.getProperties();
      assertThat(text(r)).isEqualTo("{\"a\":1}");
      assertThat(rp.getContentType()).isEqualTo("application/json");
      assertThat(rp.getResponseTopic()).isEqualTo("public/reply");
      assertThat(rp.getCorrelationData()).containsExactly(1, 2, 3);
      assertThat(rp.getUserProperties()).extracting(UserProperty::getKey, UserProperty::getValue)
          .containsExactly(org.assertj.core.groups.Tuple.tuple("k", "v"), org.assertj.core.groups.Tuple.tuple("k", "w"));
      // No time passed on the server's clock: all of the interval is left.
      assertThat(rp.getMessageExpiryInterval()).isEqualTo(3600L);
      assertThat(rp.getPayloadFormat()).isTrue();
    } finally {
      close(sub);
      close(pub);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"tcp", "ws"})
  void reasonCodesOfPublishAnswers(String transport) throws Exception {
    MqttAsyncClient c = new MqttAsyncClient(uri(transport), "p5-reasons", new MemoryPersistence());
    c.connect(options(true, 0)).waitForCompletion(5000);
    try {
      IMqttToken nobody = c.publish("public/nobody-listens", new MqttMessage("x".getBytes(), 1, false, null));
      nobody.waitForCompletion(5000);
      assertThat(nobody.getReasonCodes()).containsExactly(0x10);
      IMqttToken denied = c.publish("private/x", new MqttMessage("x".getBytes(), 1, false, null));
      try {
        denied.waitForCompletion(5000);
      } catch (MqttException expected) {
        // Paho reports an error reason code as an exception on the token.
      }
      assertThat(denied.getReasonCodes()).containsExactly(0x87);
      IMqttToken sub = c.subscribe(new MqttSubscription("private/#", 1));
      sub.waitForCompletion(5000);
      assertThat(sub.getReasonCodes()).containsExactly(0x87);
    } finally {
      c.disconnect().waitForCompletion(5000);
      c.close();
    }
  }

  static Map<String, Long> countByText(List<MqttMessage> messages) {
    return messages.stream().collect(groupingBy(PahoV5InteropTest::text, counting()));
  }

  @ParameterizedTest
  @ValueSource(strings = {"tcp", "ws"})
  void noLocalRetainAsPublishedAndRetainHandling(String transport) throws Exception {
    MqttClient pub = connected(transport, "p5-rpub", options(true, 0), null);
    pub.publish("public/opts/r", "old".getBytes(), 1, true);
    pub.publish("public/opts/only-plus", "kept".getBytes(), 1, true);
    Collector got = new Collector();
    MqttClient c = connected(transport, "p5-opts", options(true, 0), got);
    try {
      // public/nl/# is the only subscription that matches public/nl/...: no-local alone decides there.
      MqttSubscription noLocal = new MqttSubscription("public/nl/#", 1);
      noLocal.setNoLocal(true);
      MqttSubscription rap = new MqttSubscription("public/opts/r", 1);
      rap.setRetainAsPublished(true);
      MqttSubscription never = new MqttSubscription("public/opts/+", 1);
      never.setRetainHandling(2);
      c.subscribe(new MqttSubscription[] {noLocal, rap, never});
      c.publish("public/nl/x", "mine".getBytes(), 1, false);
      pub.publish("public/nl/x", "other".getBytes(), 1, false);
      pub.publish("public/opts/r", "new".getBytes(), 1, true);
      // The marker comes last, from the same publisher: whatever was owed before it has arrived.
      pub.publish("public/nl/end", "end".getBytes(), 1, false);
      got.messages.awaitMatch(m -> text(m).equals("end"));
      // "old": retain handling 0 of public/opts/r sends it, retain handling 2 of public/opts/+ does not
      // (nor "kept", which only public/opts/+ matches); "mine": no-local; "new" matches two
      // subscriptions and comes once.
      assertThat(countByText(got.messages.all())).isEqualTo(Map.of("old", 1L, "other", 1L, "new", 1L, "end", 1L));
      assertThat(got.messages.all()).filteredOn(m -> text(m).equals("old")).allMatch(MqttMessage::isRetained);
      // Retain as published keeps the flag on live delivery; without it the flag is cleared.
      assertThat(got.messages.all()).filteredOn(m -> text(m).equals("new")).allMatch(MqttMessage::isRetained);
      assertThat(got.messages.all()).filteredOn(m -> text(m).equals("other")).noneMatch(MqttMessage::isRetained);
    } finally {
      close(c);
      close(pub);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"tcp", "ws"})
  void sharedSubscriptionGivesEachMessageToOneMember(String transport) throws Exception {
    Collector a = new Collector();
    Collector b = new Collector();
    MqttClient ca = connected(transport, "p5-share-a", options(true, 0), a);
    MqttClient cb = connected(transport, "p5-share-b", options(true, 0), b);
    MqttClient pub = connected(transport, "p5-share-pub", options(true, 0), null);
    try {
      ca.subscribe("$share/workers/public/jobs", 1);
      cb.subscribe("$share/workers/public/jobs", 1);
      ca.subscribe("public/jobs-done", 1);
      cb.subscribe("public/jobs-done", 1);
      for (int i = 0; i < 20; i++) {
        pub.publish("public/jobs", ("j" + i).getBytes(), 1, false);
      }
      // Published after the jobs to both members: a late copy of any job would come before it.
      pub.publish("public/jobs-done", "done".getBytes(), 1, false);
      a.messages.awaitMatch(m -> text(m).equals("done"));
      b.messages.awaitMatch(m -> text(m).equals("done"));
      List<String> jobsA = a.messages.all().stream().map(PahoV5InteropTest::text).filter(t -> !t.equals("done")).toList();
      List<String> jobsB = b.messages.all().stream().map(PahoV5InteropTest::text).filter(t -> !t.equals("done")).toList();
      Set<String> all = new HashSet<>(jobsA);
      all.addAll(jobsB);
      assertThat(jobsA.size() + jobsB.size()).as("every job exactly once").isEqualTo(20);
      assertThat(all).hasSize(20);
      assertThat(jobsA).isNotEmpty();
      assertThat(jobsB).isNotEmpty();
    } finally {
      close(ca);
      close(cb);
      close(pub);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"tcp", "ws"})
  void sessionAndQueuedMessagesSurviveARestart(String transport) throws Exception {
    MqttClient sub = connected(transport, "p5-durable", options(true, 3600), null);
    sub.subscribe("public/durable", 2);
    sub.disconnect();
    sub.close();
    MqttClient pub = connected(transport, "p5-dpub", options(true, 0), null);
    pub.publish("public/durable", "q1".getBytes(), 1, false);
    pub.publish("public/durable", "q2".getBytes(), 2, false);
    pub.publish("public/retained-durable", "r".getBytes(), 1, true);
    close(pub);

    server.restart();

    Collector got = new Collector();
    MqttClient back = new MqttClient(uri(transport), "p5-durable", new MemoryPersistence());
    back.setCallback(got);
    IMqttToken t = back.connectWithResult(options(false, 3600));
    try {
      assertThat(t.getSessionPresent()).isTrue();
      assertThat(got.messages.await(2)).extracting(PahoV5InteropTest::text).containsExactly("q1", "q2");
      Collector late = new Collector();
      MqttClient l = connected(transport, "p5-late", options(true, 0), late);
      l.subscribe("public/retained-durable", 1);
      assertThat(text(late.messages.await(1).get(0))).isEqualTo("r");
      close(l);
    } finally {
      close(back);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"tcp", "ws"})
  void takeoverTellsTheOldConnectionWithReason0x8e(String transport) throws Exception {
    Collector old = new Collector();
    MqttClient first = connected(transport, "p5-take", options(true, 0), old);
    MqttClient second = connected(transport, "p5-take", options(false, 0), null);
    try {
      MqttDisconnectResponse r = old.disconnects.await(1).get(0);
      assertThat(r.getReturnCode()).isEqualTo(0x8E);
      assertThat(second.isConnected()).isTrue();
    } finally {
      close(second);
      first.close(true);
    }
  }

  static MqttConnectionOptions withDelayedWill(long delaySeconds) {
    MqttConnectionOptions o = options(true, 120);
    o.setWill("public/wills/delayed", new MqttMessage("late".getBytes(), 1, false, null));
    MqttProperties wp = new MqttProperties();
    wp.setWillDelayInterval(delaySeconds);
    o.setWillMessageProperties(wp);
    return o;
  }

  /** Publishes a marker the watcher gets after anything published before it; returns what it got by then. */
  List<String> afterMarker(MqttClient marker, Collector watch, String text) throws MqttException {
    marker.publish("public/wills/marker", text.getBytes(), 1, false);
    watch.messages.awaitMatch(m -> text(m).equals(text));
    return watch.messages.all().stream().map(PahoV5InteropTest::text).toList();
  }

  @ParameterizedTest
  @ValueSource(strings = {"tcp", "ws"})
  void delayedWillIsCancelledByReconnectingInTime(String transport) throws Exception {
    Collector watch = new Collector();
    MqttClient watcher = connected(transport, "p5-watch", options(true, 0), watch);
    watcher.subscribe("public/wills/#", 1);
    MqttClient marker = connected(transport, "p5-marker", options(true, 0), null);
    try {
      MqttClient c = connected(transport, "p5-willer", withDelayedWill(30), null);
      c.disconnectForcibly(0, 100, false);
      c.close(true);
      // The server saw the drop: the will waits for its 30 s.
      MqttServer.awaitOffline(server, "p5-willer");
      time.advance(Duration.ofSeconds(29));
      MqttClient again = connected(transport, "p5-willer", options(false, 120), null);
      close(again);
      MqttServer.awaitOffline(server, "p5-willer");
      // Far past the will's due time, and the session still exists (120 s expiry).
      time.advance(Duration.ofSeconds(60));
      assertThat(MqttServer.broker(server).session("p5-willer")).isNotNull();
      assertThat(afterMarker(marker, watch, "marker")).containsExactly("marker");
    } finally {
      close(marker);
      close(watcher);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"tcp", "ws"})
  void delayedWillGoesOutWhenItsDelayPassesWithoutAReconnect(String transport) throws Exception {
    Collector watch = new Collector();
    MqttClient watcher = connected(transport, "p5-watch", options(true, 0), watch);
    watcher.subscribe("public/wills/#", 1);
    MqttClient marker = connected(transport, "p5-marker", options(true, 0), null);
    try {
      MqttClient c = connected(transport, "p5-willer", withDelayedWill(30), null);
      c.disconnectForcibly(0, 100, false);
      c.close(true);
      MqttServer.awaitOffline(server, "p5-willer");
      time.advance(Duration.ofSeconds(29));
      assertThat(afterMarker(marker, watch, "before")).containsExactly("before");
      time.advance(Duration.ofSeconds(1));
      assertThat(afterMarker(marker, watch, "after")).containsExactly("before", "late", "after");
    } finally {
      close(marker);
      close(watcher);
    }
  }

  /** Collects what a Paho v5 client is told. */
  static final class Collector extends PahoCallback {
    final Received<MqttMessage> messages = new Received<>();
    final Received<MqttDisconnectResponse> disconnects = new Received<>();

    @Override
    public void disconnected(MqttDisconnectResponse r) {
      disconnects.add(r);
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) {
      messages.add(message);
    }
  }
}
