package dev.parley.live.it;

import static dev.parley.live.it.LiveFixture.connect;
import static dev.parley.live.it.LiveFixture.sendFrames;
import static dev.parley.live.it.LiveFixture.sendHeaders;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.core.cluster.NodeBus;
import dev.parley.core.net.TlsSupport;
import dev.parley.core.testing.BusModule;
import dev.parley.core.testing.HttpTestClient;
import dev.parley.core.testing.InMemoryBus;
import dev.parley.core.testing.ManualTime;
import dev.parley.core.testing.TestKernel;
import dev.parley.core.testing.TestTls;
import dev.parley.live.LiveModule;
import dev.parley.live.control.AccessControl;
import dev.parley.live.testing.RtmpClient;
import io.netty.handler.ssl.SslContext;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Live streaming on two nodes in one JVM joined by an in-memory bus, on one hand-moved clock:
 * a stream published on node a plays on node b over RTMP, HTTP-FLV and HLS through one pull, its
 * name is refused to a second publisher on b while it publishes (taken by one reconnecting to b
 * within the reconnect grace, or by the takeover rule) until it ends or a dies, b's stream list shows it,
 * b's viewers hear its end, and b stops pulling once its last viewer left.
 */
class ClusterLiveTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private final ManualTime time = new ManualTime();
  private final List<TestKernel> kernels = new ArrayList<>();
  private InMemoryBus bus;

  @BeforeEach
  void bus() {
    bus = new InMemoryBus();
  }

  @AfterEach
  void close() throws Exception {
    for (TestKernel k : kernels) {
      k.close();
    }
    bus.close();
  }

  private TestKernel.Builder node(String id) {
    return TestKernel.builder(() -> List.of(new BusModule(bus.node(id)), new LiveModule())).time(time)
        .set("live.viewer.merge-writes", "0ms").set("live.publish.reconnect-grace", "5s")
        .set("live.cluster.edge-idle", "5s").set("live.hls.segment-duration", "1s");
  }

  private TestKernel start(TestKernel.Builder b) {
    TestKernel k = b.start();
    kernels.add(k);
    return k;
  }

  private static JsonNode streams(TestKernel k) {
    return new HttpTestClient(k.httpBase()).admin("GET", "/api/v1/streams", null).json();
  }

  /** The entry of {@code app/name} in {@code k}'s stream list that {@code node} serves, or null. */
  private static JsonNode entry(TestKernel k, String name, String node) {
    for (JsonNode s : streams(k).path("streams")) {
      if (s.path("name").asText().equals(name) && s.path("node").asText().equals(node)) {
        return s;
      }
    }
    return null;
  }

  /** RTMP viewers of {@code name} on {@code k} (its own copy of the stream), -1 when it has none. */
  private static int rtmpViewers(TestKernel k, String name, String node) {
    JsonNode s = entry(k, name, node);
    return s == null ? -1 : s.path("viewers").path("rtmp").asInt();
  }

  private static HttpResponse<byte[]> get(String url) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  /** A publisher of {@code name} on {@code k} that sent headers and a first GOP. */
  private static RtmpClient publish(TestKernel k, String name) throws Exception {
    RtmpClient pub = connect(k, "live");
    pub.publish(name).get(5, TimeUnit.SECONDS);
    sendHeaders(pub);
    sendFrames(pub, 0, 0, 30, 25, 500);
    return pub;
  }

  /** A publish of {@code name} on {@code k} is refused as a duplicate, naming node a, and its connection closes. */
  private static void assertPublishRefused(TestKernel k, String name) throws Exception {
    assertPublishRefused(k, name, "a");
  }

  private static void assertPublishRefused(TestKernel k, String name, String holder) throws Exception {
    try (RtmpClient second = connect(k, "live")) {
      assertThatThrownBy(() -> second.publish(name).get(5, TimeUnit.SECONDS))
          .hasMessageContaining("NetStream.Publish.BadName")
          .hasMessageContaining("already being published (on node " + holder + ")");
      await().atMost(WAIT).until(() -> !second.channel().isActive());
    }
  }

  private void advance(Duration total) {
    for (long s = 0; s < total.toSeconds(); s++) {
      time.advance(Duration.ofSeconds(1));
    }
  }

  @Test
  void aNodeWhoseRtmpListenerTakesTlsOnlyIsPulledFromOverRtmps() throws Exception {
    TestKernel a = start(rtmps(node("a")));
    TestKernel b = start(rtmps(node("b")));
    SslContext tls = TlsSupport.clientContext(TestTls.certFile());
    try (RtmpClient pub = LiveFixture.connectTls(a, "live", tls);
        FlvReader flv = new FlvReader(b.httpBase() + "/live/secure.flv")) {
      pub.publish("secure").get(5, TimeUnit.SECONDS);
      sendHeaders(pub);
      sendFrames(pub, 0, 0, 30, 25, 500);
      assertThat(flv.status).isEqualTo(200);
      await().atMost(WAIT).until(() -> flv.pictures().size() >= 5);
      assertThat(flv.tags.get(1).body()).isEqualTo(FakeEncoder.avcConfig());
    }
  }

  /** RTMP as RTMPS only, with the test certificate (which names 127.0.0.1, the address the node advertises). */
  private static TestKernel.Builder rtmps(TestKernel.Builder b) {
    return b.set("live.rtmp.tls", "true").set("tls.cert-file", TestTls.certFile().toString())
        .set("tls.key-file", TestTls.keyFile().toString());
  }

  @Test
  void aStreamPublishedOnOneNodePlaysOnAnotherOverRtmpHttpFlvAndHlsThroughOnePull() throws Exception {
    TestKernel a = start(node("a"));
    TestKernel b = start(node("b"));
    try (RtmpClient pub = publish(a, "cam"); FlvReader flv = new FlvReader(b.httpBase() + "/live/cam.flv")) {
      LiveFixture.Recorder rec = new LiveFixture.Recorder();
      RtmpClient player = connect(b, "live", rec);
      player.play("cam").get(5, TimeUnit.SECONDS);
      assertThat(flv.status).isEqualTo(200);
      // b serves its viewers the origin's GOP from its own edge copy, then what follows.
      await().atMost(WAIT).until(() -> flv.pictures().size() >= 5);
      assertThat(flv.tags.get(1).body()).isEqualTo(FakeEncoder.avcConfig());
      assertThat(flv.tags.get(2).body()).isEqualTo(FakeEncoder.aacConfig());
      assertThat(FakeEncoder.index(flv.pictures().get(0).body())).isEqualTo(25);
      sendFrames(pub, 0, 30, 130, 25, 500);
      await().atMost(WAIT).until(() -> flv.pictures().stream().anyMatch(t -> FakeEncoder.index(t.body()) == 129)
          && rec.pictures().stream().anyMatch(m -> FakeEncoder.index(m.payload()) == 129));
      assertThat(rec.video().get(0).payload()).isEqualTo(FakeEncoder.avcConfig());
      // Two viewers on b, one pull from a: a has one RTMP viewer, b has one of each.
      assertThat(rtmpViewers(a, "cam", "a")).isEqualTo(1);
      JsonNode edge = entry(b, "cam", "b");
      assertThat(edge.path("edge").asBoolean()).isTrue();
      assertThat(edge.path("viewers").path("flv").asInt()).isEqualTo(1);
      assertThat(edge.path("viewers").path("rtmp").asInt()).isEqualTo(1);
      assertThat(edge.path("video").path("width").asInt()).isEqualTo(FakeEncoder.WIDTH);

      // HLS on b: segments cut from the edge copy are MPEG-TS.
      String base = b.httpBase() + "/live/cam";
      await().atMost(WAIT).until(() -> {
        HttpResponse<byte[]> r = get(base + ".m3u8");
        return r.statusCode() == 200 && new String(r.body()).contains(".ts");
      });
      Matcher m = Pattern.compile("(?m)^(cam-\\d+\\.ts)").matcher(new String(get(base + ".m3u8").body()));
      assertThat(m.find()).isTrue();
      HttpResponse<byte[]> seg = get(b.httpBase() + "/live/" + m.group(1));
      assertThat(seg.statusCode()).isEqualTo(200);
      TsCheck.assertValid(seg.body());
      player.close();
    }
  }

  @Test
  void aViewerWaitingOnOneNodeGetsTheStreamWhenAnotherNodePublishesIt() throws Exception {
    TestKernel a = start(node("a"));
    TestKernel b = start(node("b"));
    try (FlvReader flv = new FlvReader(b.httpBase() + "/live/later.flv")) {
      await().atMost(WAIT).until(() -> flv.header != null); // b answered: the viewer waits there
      try (RtmpClient pub = publish(a, "later")) {
        await().atMost(WAIT).until(() -> rtmpViewers(a, "later", "a") == 1);
        sendFrames(pub, 0, 30, 60, 25, 500);
        await().atMost(WAIT).until(() -> flv.pictures().size() >= 5);
      }
    }
  }

  @Test
  void withoutWaitingForPublishers_aStreamOfAnotherNodePlaysAndAnUnknownOneIsNotFound() throws Exception {
    TestKernel a = start(node("a"));
    TestKernel b = start(node("b").set("live.play.wait-for-publisher", "false"));
    try (RtmpClient pub = publish(a, "cam"); FlvReader flv = new FlvReader(b.httpBase() + "/live/cam.flv");
        FlvReader none = new FlvReader(b.httpBase() + "/live/none.flv")) {
      assertThat(none.status).isEqualTo(404);
      assertThat(flv.status).isEqualTo(200);
      LiveFixture.Recorder rec = new LiveFixture.Recorder();
      RtmpClient player = connect(b, "live", rec);
      player.play("cam").get(5, TimeUnit.SECONDS);
      await().atMost(WAIT).until(() -> flv.pictures().size() >= 5 && rec.pictures().size() >= 5);
      player.close();
      try (RtmpClient unknown = connect(b, "live")) {
        assertThatThrownBy(() -> unknown.play("none").get(5, TimeUnit.SECONDS))
            .hasMessageContaining("NetStream.Play.StreamNotFound");
      }
    }
  }

  @Test
  void anEdgeStreamIsRecordedOnlyOnTheNodePublishingIt() throws Exception {
    TestKernel a = start(node("a").set("live.record.enabled", "true"));
    TestKernel b = start(node("b").set("live.record.enabled", "true"));
    try (RtmpClient pub = publish(a, "cam"); FlvReader flv = new FlvReader(b.httpBase() + "/live/cam.flv")) {
      await().atMost(WAIT).until(() -> flv.pictures().size() >= 5);
      await().atMost(WAIT).until(() -> Files.isDirectory(a.dataDir().resolve("recordings/live")));
      assertThat(b.dataDir().resolve("recordings")).doesNotExist();
    }
  }

  @Test
  void hlsAloneOnAnotherNodeStartsThePull() throws Exception {
    TestKernel a = start(node("a"));
    TestKernel b = start(node("b"));
    try (RtmpClient pub = publish(a, "cam")) {
      String playlist = b.httpBase() + "/live/cam.m3u8";
      assertThat(get(playlist).statusCode()).isEqualTo(404); // not pulled yet: this request starts it
      await().atMost(WAIT).until(() -> rtmpViewers(a, "cam", "a") == 1);
      sendFrames(pub, 0, 30, 130, 25, 500);
      await().atMost(WAIT).until(() -> get(playlist).statusCode() == 200);
      assertThat(new String(get(playlist).body())).startsWith("#EXTM3U").contains("cam-");
    }
  }

  @Test
  void aSecondPublisherOfTheNameOnAnotherNodeIsRefusedWhileTheFirstPublishes() throws Exception {
    TestKernel a = start(node("a"));
    TestKernel b = start(node("b"));
    RtmpClient pub = publish(a, "cam");
    assertPublishRefused(b, "cam");
    // Another name is free on b.
    try (RtmpClient other = connect(b, "live")) {
      other.publish("other").get(5, TimeUnit.SECONDS);
    }
    assertThat(pub.channel().isActive()).isTrue();
    assertThat(bus.held("live.streams")).extracting(NodeBus.Held::field).containsExactlyInAnyOrder("live/cam",
        "live/other");
  }

  @Test
  void anEncoderReconnectingToAnotherNodeWithinTheGraceTakesTheName_andTheFirstNodesViewersGoOn() throws Exception {
    TestKernel a = start(node("a"));
    TestKernel b = start(node("b"));
    RtmpClient pub = publish(a, "cam");
    try (FlvReader flv = new FlvReader(a.httpBase() + "/live/cam.flv")) {
      await().atMost(WAIT).until(() -> flv.pictures().size() >= 5);
      pub.close();
      RtmpServerTest.awaitUnpublished(a, "live/cam");

      try (RtmpClient again = publish(b, "cam")) {
        assertThat(bus.held("live.streams")).extracting(NodeBus.Held::node).containsExactly("b");
        // a pulls the stream from b for the viewer that waited through the grace.
        await().atMost(WAIT).until(() -> entry(a, "cam", "a") != null && entry(a, "cam", "a").path("edge").asBoolean());
        assertGoesOn(flv, again);
      }
    }
  }

  @Test
  void aPublisherSilentForTheTakeoverIdleIsTakenOverFromAnotherNode() throws Exception {
    TestKernel a = start(node("a"));
    TestKernel b = start(node("b"));
    RtmpClient stale = publish(a, "cam");
    advance(Duration.ofSeconds(3)); // live.publish.takeover-idle: a's publisher sends nothing meanwhile
    try (RtmpClient fresh = publish(b, "cam")) {
      await().atMost(WAIT).until(() -> !stale.channel().isActive());
      assertThat(bus.held("live.streams")).extracting(NodeBus.Held::node).containsExactly("b");
      assertPublishRefused(a, "cam", "b");
    }
  }

  @Test
  void ofTwoPublishersOfOneNameOnTwoNodesAtOnceOneIsRefused() throws Exception {
    TestKernel a = start(node("a"));
    TestKernel b = start(node("b"));
    // Node a claims the name first but hears its answer only after node b asked.
    bus.pause("a");
    try (RtmpClient first = connect(a, "live")) {
      CompletableFuture<?> started = first.publish("race");
      await().atMost(WAIT).until(() -> !bus.held("live.streams").isEmpty());
      try (RtmpClient second = connect(b, "live")) {
        int timers = time.pending();
        CompletableFuture<?> refused = second.publish("race");
        // b asks a whether it lets the name go; a hears nothing while paused, so b's wait runs out
        await().atMost(WAIT).until(() -> time.pending() > timers);
        time.advance(Duration.ofSeconds(2));
        assertThatThrownBy(() -> refused.get(5, TimeUnit.SECONDS))
            .hasMessageContaining("NetStream.Publish.BadName")
            .hasMessageContaining("already being published (on node a)");
        await().atMost(WAIT).until(() -> !second.channel().isActive());
      }
      bus.resume("a");
      started.get(5, TimeUnit.SECONDS);
      assertThat(bus.held("live.streams")).extracting(NodeBus.Held::node).containsExactly("a");
    }
  }

  @Test
  void aNameClaimedForAPublishThatNeverStartedIsGivenUp() throws Exception {
    TestKernel a = start(node("a"));
    TestKernel b = start(node("b"));
    bus.pause("a");
    RtmpClient gone = connect(a, "live");
    gone.publish("lost");
    await().atMost(WAIT).until(() -> !bus.held("live.streams").isEmpty());
    gone.close();
    await().atMost(WAIT).until(() -> !gone.channel().isActive());
    bus.resume("a");
    assertPublishRefused(b, "lost");
    advance(Duration.ofSeconds(10));
    await().atMost(WAIT).until(() -> bus.held("live.streams").isEmpty());
    try (RtmpClient after = connect(b, "live")) {
      after.publish("lost").get(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void whenTheOriginNodeDies_theNameIsFreeAndEdgeViewersGoOnWithANewPublisherWithinTheGrace() throws Exception {
    TestKernel a = start(node("a"));
    TestKernel b = start(node("b"));
    RtmpClient pub = publish(a, "cam");
    assertPublishRefused(b, "cam");
    try (FlvReader flv = watchWhileOriginDies(a, b, pub); RtmpClient again = publish(b, "cam")) {
      assertThat(entry(b, "cam", "b").path("edge").asBoolean()).isFalse();
      assertGoesOn(flv, again);
    }
  }

  /** An HTTP-FLV viewer on {@code b} of a's stream, once a died (its entries purged) and b's pull is gone. */
  private FlvReader watchWhileOriginDies(TestKernel a, TestKernel b, RtmpClient pub) throws Exception {
    FlvReader flv = new FlvReader(b.httpBase() + "/live/cam.flv");
    await().atMost(WAIT).until(() -> flv.pictures().size() >= 5);
    bus.kill("a"); // the bus purges a's entries, as Redis does for a node past its timeout
    a.stop();
    pub.close();
    await().atMost(WAIT).until(() -> entry(b, "cam", "b") == null); // the pull is gone; b's grace runs
    return flv;
  }

  /** {@code flv} gets what the new publisher {@code again} sends, in the same response. */
  private static void assertGoesOn(FlvReader flv, RtmpClient again) {
    sendFrames(again, 0, 30, 60, 25, 500);
    await().atMost(WAIT).until(() -> flv.pictures().stream().anyMatch(t -> FakeEncoder.index(t.body()) == 59));
    assertThat(flv.ended).isFalse();
  }

  @Test
  void whenTheOriginNodeDies_edgeViewersGetTheStreamRepublishedOnAThirdNodeWithinTheGrace() throws Exception {
    TestKernel a = start(node("a"));
    TestKernel b = start(node("b"));
    TestKernel c = start(node("c"));
    RtmpClient pub = publish(a, "cam");
    try (FlvReader flv = watchWhileOriginDies(a, b, pub); RtmpClient again = publish(c, "cam")) {
      await().atMost(WAIT).until(() -> rtmpViewers(c, "cam", "c") == 1); // b pulls from c now
      assertGoesOn(flv, again);
    }
  }

  @Test
  void theStreamListOfOneNodeShowsTheStreamsOfTheOthers() throws Exception {
    TestKernel a = start(node("a").set("live.cluster.advertise", "localhost")); // a host: the RTMP port is added
    TestKernel b = start(node("b"));
    try (RtmpClient pub = publish(a, "cam")) {
      JsonNode list = streams(b);
      assertThat(list.path("partial").asBoolean()).isFalse();
      JsonNode s = entry(b, "cam", "a");
      assertThat(s).isNotNull();
      assertThat(s.path("app").asText()).isEqualTo("live");
      assertThat(s.path("address").asText()).isEqualTo("localhost:" + a.port("rtmp"));
      try (FlvReader flv = new FlvReader(b.httpBase() + "/live/cam.flv")) {
        await().atMost(WAIT).until(() -> flv.pictures().size() >= 5); // pulled from the advertised address
      }
      assertThat(entry(a, "cam", "a").path("edge").asBoolean()).isFalse();
    }
  }

  @Test
  void whenTheOriginStreamEnds_theEdgeViewersHearItsEnd() throws Exception {
    TestKernel a = start(node("a"));
    TestKernel b = start(node("b"));
    RtmpClient pub = publish(a, "cam");
    LiveFixture.Recorder rec = new LiveFixture.Recorder();
    try (FlvReader flv = new FlvReader(b.httpBase() + "/live/cam.flv"); RtmpClient player = connect(b, "live", rec)) {
      player.play("cam").get(5, TimeUnit.SECONDS);
      await().atMost(WAIT).until(() -> flv.pictures().size() >= 5 && rec.pictures().size() >= 5);
      pub.close();
      RtmpServerTest.awaitUnpublished(a, "live/cam");
      time.advance(Duration.ofMillis(4900)); // within a's reconnect grace: b's viewers go on waiting
      LiveFixture.assertAnswers(player);
      assertThat(flv.ended).isFalse();
      assertThat(rec.statuses).doesNotContain("NetStream.Play.UnpublishNotify");
      time.advance(Duration.ofMillis(100));
      await().atMost(WAIT).until(() -> flv.ended && rec.statuses.contains("NetStream.Play.UnpublishNotify"));
    }
    await().atMost(WAIT).until(() -> entry(b, "cam", "b") == null && rtmpViewers(a, "cam", "a") == -1);
  }

  @Test
  void whenTheLastViewerLeaves_theEdgeStopsPullingAfterTheIdleGrace() throws Exception {
    TestKernel a = start(node("a"));
    TestKernel b = start(node("b"));
    try (RtmpClient pub = publish(a, "cam")) {
      try (FlvReader flv = new FlvReader(b.httpBase() + "/live/cam.flv")) {
        await().atMost(WAIT).until(() -> flv.pictures().size() >= 5);
        advance(Duration.ofSeconds(7)); // watched all along: the pull goes on
        sendFrames(pub, 0, 30, 60, 25, 500);
        await().atMost(WAIT).until(() -> flv.pictures().stream().anyMatch(t -> FakeEncoder.index(t.body()) == 59));
        assertThat(rtmpViewers(a, "cam", "a")).isEqualTo(1);
      }
      await().atMost(WAIT).until(() -> entry(b, "cam", "b").path("viewers").path("flv").asInt() == 0);
      advance(Duration.ofSeconds(4));
      assertThat(rtmpViewers(a, "cam", "a")).isEqualTo(1);
      advance(Duration.ofSeconds(2));
      await().atMost(WAIT).until(() -> rtmpViewers(a, "cam", "a") == 0 && entry(b, "cam", "b") == null);
      // A new viewer pulls again.
      try (FlvReader flv = new FlvReader(b.httpBase() + "/live/cam.flv")) {
        await().atMost(WAIT).until(() -> rtmpViewers(a, "cam", "a") == 1);
        sendFrames(pub, 0, 60, 90, 25, 500);
        await().atMost(WAIT).until(() -> flv.pictures().size() >= 5);
      }
    }
  }

  @Test
  void theEdgePullIsLetInWherePlayingNeedsAToken() throws Exception {
    TestKernel.Builder closed = node("a").set("live.auth.loopback-open", "false")
        .set("live.auth.publish-keys", "live/*=pubkey").set("live.hooks.on-play", "http://127.0.0.1:9/refuse");
    TestKernel a = start(closed);
    TestKernel b = start(node("b").set("live.auth.loopback-open", "false"));
    try (RtmpClient pub = connect(a, "live")) {
      pub.publish("cam?key=pubkey").get(5, TimeUnit.SECONDS);
      sendHeaders(pub);
      sendFrames(pub, 0, 0, 30, 25, 500);
      // b's own check still applies to its viewers.
      try (FlvReader refused = new FlvReader(b.httpBase() + "/live/cam.flv")) {
        assertThat(refused.status).isEqualTo(403);
      }
      String token = b.kernel().context().tokens().mint("viewer", Duration.ofHours(1),
          AccessControl.claims(null, List.of("live/cam")));
      try (FlvReader flv = new FlvReader(b.httpBase() + "/live/cam.flv?token=" + token)) {
        assertThat(flv.status).isEqualTo(200);
        await().atMost(WAIT).until(() -> flv.pictures().size() >= 5);
      }
    }
  }
}
