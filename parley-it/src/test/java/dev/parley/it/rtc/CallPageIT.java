package dev.parley.it.rtc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
 * relays the bytes, and the inbound video keeps growing.
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
    return TestKernel.builder(Modules::discover)
        .set("rtc.turn.allowed-peers", "127.0.0.0/8")
        .set("rtc.turn.udp.host", "127.0.0.1")
        .set("rtc.turn.relay-ip", "127.0.0.1")
        .set("rtc.ice.public-host", "127.0.0.1")
        .start();
  }

  private CallPage page(String url) {
    CallPage p = new CallPage(url);
    closeLater.add(p);
    return p;
  }

  @Test
  void twoPagesCallThroughParleysTurn_videoFlows_hangupEndsBothSides() {
    TestKernel server = server();
    closeLater.add(server);
    RtcModule rtc = server.kernel().context().services().first(RtcModule.class).orElseThrow();
    String base = server.httpBase();
    CallPage alice = page(base + "/call?user=alice&relay=1&contacts=bob");
    CallPage bob = page(base + "/call?user=bob&relay=1");

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
    int turnPort = rtc.udpPort();
    for (CallPage p : List.of(alice, bob)) {
      await().untilAsserted(() -> {
        Map<String, Object> s = p.stats(pc);
        assertThat(s.get("type")).as("selected local candidate %s", s).isEqualTo("relay");
        assertThat(s.get("address")).isEqualTo("127.0.0.1");
        assertThat((String) s.get("url")).startsWith("turn:127.0.0.1:" + turnPort);
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

    alice.click("#hangup");
    await().until(() -> bob.text("status").startsWith("call ended (hangup)"));
    await().until(() -> alice.text("status").startsWith("call ended"));
    assertThat(bob.visible("stage")).isFalse();
    assertThat(alice.visible("stage")).isFalse();
    assertThat(bob.eval("return window.parleyCall.call")).isNull();
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
    for (CallPage p : pages) {
      await().until(() -> ((Number) p.eval("return window.parleyRoom.peers.size")).intValue() == 2);
      await().until(() -> (Boolean) p.eval("return [...window.parleyRoom.mesh.links.values()]"
          + ".every((l) => l.pc.connectionState === 'connected')"));
    }
    CallPage fourth = page(base + "/room?user=dan&room=standup&relay=1");
    await().until(() -> "the room is full".equals(fourth.text("status")));

    pages.get(2).click("#leave");
    for (CallPage p : pages.subList(0, 2)) {
      await().until(() -> ((Number) p.eval("return window.parleyRoom.peers.size")).intValue() == 1);
    }
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
