package dev.parley.it.rtc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.core.testing.PostgresServer;
import dev.parley.core.testing.RedisServer;
import dev.parley.core.testing.TestKernel;
import dev.parley.rtc.RtcModule;
import dev.parley.rtc.turn.RtcMetrics.Direction;
import dev.parley.server.Modules;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two (and three) headless Chromiums with fake cameras call each other through a real server on
 * the call and room pages. With iceTransportPolicy 'relay' the media must flow through Parley's
 * TURN: the selected pair's local candidate is a relay candidate from Parley's TURN URL, Parley
 * relays the bytes, and the inbound video keeps growing. Also across two nodes of a cluster (on
 * PostgreSQL and Redis), each browser on its own node.
 */
class CallPageIT {
  private final List<AutoCloseable> closeLater = new ArrayList<>();

  @BeforeAll
  static void timeouts() {
    Awaitility.setDefaultTimeout(Duration.ofSeconds(30));
    Awaitility.setDefaultPollInterval(Duration.ofMillis(100));
  }

  @AfterEach
  void close() throws Exception {
    for (int i = closeLater.size() - 1; i >= 0; i--) {
      closeLater.get(i).close();
    }
  }

  /**
   * The whole server on loopback. The relay policy denies loopback peers by default; here both
   * browsers' relay addresses are 127.0.0.1, so the allow list opens it (tests only).
   */
  static TestKernel server() {
    return builder().start();
  }

  private static TestKernel.Builder builder() {
    return TestKernel.builder(Modules::discover)
        .set("rtc.turn.allowed-peers", "127.0.0.0/8")
        .set("rtc.turn.udp.host", "127.0.0.1")
        .set("rtc.turn.relay-ip", "127.0.0.1")
        .set("rtc.ice.public-host", "127.0.0.1");
  }

  /** Node {@code id} of a cluster on {@code postgres} (database {@code db}) and {@code redis}. */
  private static TestKernel node(String id, PostgresServer postgres, String db, RedisServer redis) {
    return builder().set("cluster.enabled", "true").set("cluster.node-id", id)
        .set("cluster.redis.url", redis.url()).set("store.postgres.url", postgres.jdbcUrl(db))
        .set("store.postgres.user", PostgresServer.USER).start();
  }

  private CallPage page(String url) {
    return page(url, 0, 0);
  }

  private CallPage page(String url, int width, int height) {
    CallPage p = new CallPage(url, width, height);
    closeLater.add(p);
    return p;
  }

  @Test
  void twoPagesCallThroughParleysTurn_videoFlows_hangupEndsBothSides() {
    TestKernel server = server();
    closeLater.add(server);
    RtcModule rtc = server.kernel().context().services().first(RtcModule.class).orElseThrow();
    String base = server.httpBase();
    // A laptop's screen: everything needed during a call must fit on it.
    CallPage alice = page(base + "/call?user=alice&relay=1&contacts=bob", 1280, 720);
    CallPage bob = page(base + "/call?user=bob&relay=1", 1280, 720);

    await().until(() -> "ready".equals(alice.text("status")) && "ready".equals(bob.text("status")));
    await().until(() -> !((List<?>) alice.eval("return [...document.querySelectorAll('#contacts li.online')]"
        + ".map((li) => li.dataset.user)")).isEmpty());
    alice.click("#contacts li[data-user=bob] button.call");
    await().until(() -> bob.visible("incoming"));
    assertThat(bob.text("incoming-caller")).isEqualTo("alice");
    bob.click("#accept");

    String pc = "window.parleyCall.call && window.parleyCall.call.pc";
    await().until(() -> "connected".equals(alice.stats(pc).get("connection"))
        && "connected".equals(bob.stats(pc).get("connection")));
    // Chrome gathers a relay candidate over each TURN transport Parley offers; under load the TCP
    // one may be nominated first. Either way it must be Parley's TURN that relays.
    List<String> parleysTurn = List.of("turn:127.0.0.1:" + rtc.udpPort() + "?transport=udp",
        "turn:127.0.0.1:" + server.kernel().boundPort(RtcModule.TCP_LISTENER) + "?transport=tcp");
    for (CallPage p : List.of(alice, bob)) {
      await().untilAsserted(() -> {
        Map<String, Object> s = p.stats(pc);
        assertThat(s.get("type")).as("selected local candidate %s", s).isEqualTo("relay");
        assertThat(s.get("address")).isEqualTo("127.0.0.1");
        assertThat((String) s.get("url")).isIn(parleysTurn);
        assertThat(((Number) s.get("port")).intValue()).isBetween(49152, 65535);
      });
    }
    assertThat(rtc.turnServer().allocations()).isGreaterThanOrEqualTo(2);

    // Video keeps arriving, and it is Parley that relays it.
    long relayed = rtc.turnServer().metrics().relayedBytes(Direction.TO_CLIENT);
    long first = bytes(bob.stats(pc));
    await().until(() -> bytes(bob.stats(pc)) > first + 50_000);
    long second = bytes(bob.stats(pc));
    await().until(() -> bytes(bob.stats(pc)) > second + 50_000 && bytes(alice.stats(pc)) > 50_000);
    assertThat(rtc.turnServer().metrics().relayedBytes(Direction.TO_CLIENT)).isGreaterThan(relayed + 100_000);

    // Each side sees whom it talks to, and the controls without scrolling.
    assertThat(alice.text("peer-name")).isEqualTo("bob");
    assertThat(bob.text("peer-name")).isEqualTo("alice");
    for (CallPage p : List.of(alice, bob)) {
      assertThat(((Number) p.eval("return innerHeight")).intValue()).isGreaterThanOrEqualTo(500);
      assertThat(p.outsideViewport("mute", "camera", "hangup", "remote", "peer-name")).isEmpty();
    }
    // Camera off: one's own video says so, and the camera track sends nothing; the peer sees it
    // on alice's video (told by a media signal: browsers do not signal a disabled track). On
    // again: gone on both sides.
    String cameraOn = "return window.parleyCall.stream.getVideoTracks().every((t) => t.enabled)";
    assertThat(alice.visible("camera-off")).isFalse();
    assertThat(bob.visible("remote-camera-off")).isFalse();
    alice.click("#camera");
    await().until(() -> alice.visible("camera-off"));
    assertThat(alice.outsideViewport("camera-off")).isEmpty();
    assertThat(alice.eval(cameraOn)).isEqualTo(false);
    assertThat(alice.text("camera")).isEqualTo("Camera on");
    await().until(() -> bob.visible("remote-camera-off"));
    assertThat(bob.outsideViewport("remote-camera-off")).isEmpty();
    assertThat(bob.visible("camera-off")).isFalse();
    assertThat(alice.visible("remote-camera-off")).isFalse();
    alice.click("#camera");
    await().until(() -> !alice.visible("camera-off"));
    assertThat(alice.eval(cameraOn)).isEqualTo(true);
    await().until(() -> !bob.visible("remote-camera-off"));
    // Mute likewise: bob sees that alice is muted, and no longer once she unmutes.
    assertThat(bob.visible("remote-muted")).isFalse();
    alice.click("#mute");
    await().until(() -> bob.visible("remote-muted"));
    assertThat(bob.visible("remote-camera-off")).isFalse();
    alice.click("#mute");
    await().until(() -> !bob.visible("remote-muted"));

    alice.click("#hangup");
    await().until(() -> bob.text("status").startsWith("call ended (hangup)"));
    await().until(() -> alice.text("status").startsWith("call ended"));
    assertThat(bob.visible("stage")).isFalse();
    assertThat(alice.visible("stage")).isFalse();
    assertThat(bob.eval("return window.parleyCall.call")).isNull();
  }

  /**
   * Caller and callee on two nodes of a cluster: the invite rings across, signaling relays between
   * the nodes, and each browser relays its media through its own node's TURN server.
   */
  @Test
  void twoPagesOnTwoClusterNodesCall_eachThroughItsOwnNodesTurn() {
    PostgresServer postgres = PostgresServer.started();
    closeLater.add(postgres);
    RedisServer redis = RedisServer.started();
    closeLater.add(redis);
    String db = "parley_calls";
    postgres.createDatabase(db);
    TestKernel a = node("call-a", postgres, db, redis);
    closeLater.add(a);
    TestKernel b = node("call-b", postgres, db, redis);
    closeLater.add(b);
    RtcModule rtcA = a.kernel().context().services().first(RtcModule.class).orElseThrow();
    RtcModule rtcB = b.kernel().context().services().first(RtcModule.class).orElseThrow();
    CallPage alice = page(a.httpBase() + "/call?user=alice&relay=1&contacts=bob");
    CallPage bob = page(b.httpBase() + "/call?user=bob&relay=1");

    await().until(() -> "ready".equals(alice.text("status")) && "ready".equals(bob.text("status")));
    // bob is online on the other node.
    await().until(() -> !((List<?>) alice.eval("return [...document.querySelectorAll('#contacts li.online')]"
        + ".map((li) => li.dataset.user)")).isEmpty());
    alice.click("#contacts li[data-user=bob] button.call");
    await().until(() -> bob.visible("incoming"));
    assertThat(bob.text("incoming-caller")).isEqualTo("alice");
    bob.click("#accept");

    String pc = "window.parleyCall.call && window.parleyCall.call.pc";
    await().atMost(Duration.ofSeconds(60)).until(() -> "connected".equals(alice.stats(pc).get("connection"))
        && "connected".equals(bob.stats(pc).get("connection")));
    for (Object[] side : List.of(new Object[] {alice, a, rtcA}, new Object[] {bob, b, rtcB})) {
      CallPage p = (CallPage) side[0];
      TestKernel node = (TestKernel) side[1];
      RtcModule rtc = (RtcModule) side[2];
      List<String> ownTurn = List.of("turn:127.0.0.1:" + rtc.udpPort() + "?transport=udp",
          "turn:127.0.0.1:" + node.kernel().boundPort(RtcModule.TCP_LISTENER) + "?transport=tcp");
      await().untilAsserted(() -> {
        Map<String, Object> s = p.stats(pc);
        assertThat(s.get("type")).as("selected local candidate %s", s).isEqualTo("relay");
        assertThat((String) s.get("url")).isIn(ownTurn);
      });
      assertThat(rtc.turnServer().allocations()).isGreaterThanOrEqualTo(1);
    }
    long relayedA = rtcA.turnServer().metrics().relayedBytes(Direction.TO_CLIENT);
    long relayedB = rtcB.turnServer().metrics().relayedBytes(Direction.TO_CLIENT);
    long first = bytes(bob.stats(pc));
    await().until(() -> bytes(bob.stats(pc)) > first + 100_000 && bytes(alice.stats(pc)) > 50_000);
    assertThat(rtcA.turnServer().metrics().relayedBytes(Direction.TO_CLIENT)).isGreaterThan(relayedA);
    assertThat(rtcB.turnServer().metrics().relayedBytes(Direction.TO_CLIENT)).isGreaterThan(relayedB);

    bob.click("#hangup");
    await().until(() -> alice.text("status").startsWith("call ended (hangup)"));
    await().until(() -> bob.text("status").startsWith("call ended"));
  }

  @Test
  void threePagesMeetInARoom() {
    TestKernel server = server();
    closeLater.add(server);
    String base = server.httpBase();
    List<CallPage> pages = new ArrayList<>();
    for (String user : List.of("ann", "ben", "cat")) {
      pages.add(page(base + "/room?user=" + user + "&room=standup&capacity=3&relay=1"));
    }
    // Three browsers encoding and decoding video each way share two cores here: give the mesh time.
    Duration mesh = Duration.ofSeconds(90);
    for (CallPage p : pages) {
      await().atMost(mesh).until(() -> ((Number) p.eval("return window.parleyRoom.peers.size")).intValue() == 2);
      await().atMost(mesh).until(() -> (Boolean) p.eval("return [...window.parleyRoom.mesh.links.values()]"
          + ".every((l) => l.pc.connectionState === 'connected')"));
    }
    CallPage fourth = page(base + "/room?user=dan&room=standup&relay=1");
    await().atMost(mesh).untilAsserted(() -> assertThat(fourth.text("status")).isEqualTo("the room is full"));
    // Four browsers with cameras are a lot for a small machine: the fourth has said what it must.
    closeLater.remove(fourth);
    fourth.close();

    CallPage cat = pages.get(2);
    assertThat(cat.present("local")).isTrue();
    String catSession = (String) cat.eval("return window.parleyRoom.mesh.sessionId");
    cat.press("camera");
    await().until(() -> cat.visible("camera-off"));
    // The others see it on cat's tile (cat's media signal to each of them).
    for (CallPage p : pages.subList(0, 2)) {
      await().until(() -> p.present("camera-off-" + catSession) && p.visible("camera-off-" + catSession));
    }
    cat.press("leave");
    for (CallPage p : pages.subList(0, 2)) {
      await().atMost(mesh).until(() -> ((Number) p.eval("return window.parleyRoom.peers.size")).intValue() == 1);
    }
    // The page that left shows neither its own video nor the buttons of a call it is no longer in.
    await().until(() -> cat.text("status").startsWith("you left"));
    assertThat(cat.present("local")).isFalse();
    assertThat(cat.eval("return document.querySelectorAll('#grid figure').length")).isEqualTo(0L);
    for (String id : List.of("mute", "camera", "leave")) {
      assertThat(cat.visible(id)).as(id).isFalse();
    }
    assertThat(cat.visible("rejoin")).isTrue();
    assertThat(pages.get(0).present("local")).isTrue();
  }

  @Test
  void aPrivateRoomTurnsAwayTheUninvited() {
    TestKernel server = server();
    closeLater.add(server);
    String base = server.httpBase();
    CallPage owner = page(base + "/room?user=eve&room=board&members=fay");
    await().until(() -> owner.text("status").contains("private, owner eve"));
    CallPage outsider = page(base + "/room?user=gus&room=board");
    await().until(() -> "you are not invited to this room".equals(outsider.text("status")));
    CallPage invited = page(base + "/room?user=fay&room=board");
    await().until(() -> ((Number) owner.eval("return window.parleyRoom.peers.size")).intValue() == 1);
    await().until(() -> ((Number) invited.eval("return window.parleyRoom.peers.size")).intValue() == 1);
  }

  private static long bytes(Map<String, Object> stats) {
    return ((Number) stats.getOrDefault("bytes", 0)).longValue();
  }
}
