package dev.parley.cluster.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.core.cluster.NodeBus;
import dev.parley.core.testing.RedisServer;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Redis bus between two nodes on a real Redis (Debian's redis-server, its own process): what
 * one node sends reaches the other in order, held entries are seen by the others and not by the
 * holder, a dead node's entries go, and after a Redis restart the entries are written again, the
 * resume actions run and messages flow.
 */
class RedisBusTest {
  private static RedisServer redis;
  private static ClientResources resources;
  private static RedisClient client;
  private static StatefulRedisConnection<String, String> admin;
  private final List<AutoCloseable> open = new ArrayList<>();

  @BeforeAll
  static void redis() {
    redis = RedisServer.started();
    resources = DefaultClientResources.builder().ioThreadPoolSize(1).computationThreadPoolSize(1)
        .reconnectDelay(Delay.exponential(Duration.ofMillis(10), Duration.ofMillis(200), 2, TimeUnit.MILLISECONDS))
        .build();
    client = RedisClient.create(resources, redis.url());
    client.setOptions(ClientOptions.builder().autoReconnect(true)
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .timeoutOptions(TimeoutOptions.enabled(Duration.ofSeconds(2))).build());
    admin = client.connect();
  }

  @AfterAll
  static void stop() {
    admin.close();
    client.shutdown();
    resources.shutdown();
    redis.close();
  }

  @BeforeEach
  void empty() {
    redis.start();
    await().ignoreExceptions().until(() -> "PONG".equals(admin.sync().ping()));
    admin.sync().flushall();
  }

  @AfterEach
  void close() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  /** Node id -> the connection its bus uses for lookups and claims. */
  private final Map<String, StatefulRedisConnection<String, String>> commandsOf = new HashMap<>();

  private RedisBus bus(String node) {
    var sub = client.connectPubSub(ByteArrayCodec.INSTANCE);
    var pub = client.connect(ByteArrayCodec.INSTANCE);
    var commands = client.connect();
    commandsOf.put(node, commands);
    open.add(commands);
    open.add(pub);
    open.add(sub);
    RedisBus bus = new RedisBus(node, RedisLinks.of(sub, pub, commands), new SimpleMeterRegistry());
    open.add(bus);
    bus.start();
    return bus;
  }

  private static byte[] text(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** What a receiver got, as "from:payload". */
  private static List<String> inbox(NodeBus bus, String topic) {
    List<String> got = new CopyOnWriteArrayList<>();
    bus.listen(topic, (from, payload) -> got.add(from + ":" + new String(payload, StandardCharsets.UTF_8)));
    return got;
  }

  @Test
  void aMessageToANodeReachesItInOrder_andABroadcastEveryOtherNode() {
    RedisBus a = bus("a");
    RedisBus b = bus("b");
    RedisBus c = bus("c");
    List<String> atB = inbox(b, "t");
    List<String> atC = inbox(c, "t");
    List<String> atA = inbox(a, "t");
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      a.send("b", "t", text("m" + i));
      expected.add("a:m" + i);
    }
    a.broadcast("t", text("all"));
    expected.add("a:all");
    await().until(() -> atB.size() == expected.size());
    assertThat(atB).containsExactlyElementsOf(expected);
    await().until(() -> atC.size() == 1);
    assertThat(atC).containsExactly("a:all");
    // Nothing to itself: neither its own broadcast nor a send to its own id.
    a.send("a", "t", text("self"));
    b.send("a", "t", text("from b"));
    await().until(() -> atA.size() == 1);
    assertThat(atA).containsExactly("b:from b");
  }

  @Test
  void aMessageOfATopicNobodyListensToIsDroppedAndTheNextStillArrives() {
    RedisBus a = bus("a");
    RedisBus b = bus("b");
    List<String> atB = inbox(b, "known");
    a.send("b", "unknown", text("lost"));
    a.send("b", "known", text("kept"));
    await().until(() -> atB.size() == 1);
    assertThat(atB).containsExactly("a:kept");
    // Garbage on a node's channel (not a frame) disturbs nothing either.
    admin.sync().publish("parley:bus:b", "");
    a.send("b", "known", text("after"));
    await().until(() -> atB.size() == 2);
  }

  @Test
  void aHoldOrAReleaseIsSeenByANodeThatGotAMessageSentAfterIt() {
    RedisBus a = bus("a");
    RedisBus b = bus("b");
    List<String> seen = new CopyOnWriteArrayList<>();
    b.listen("t", (from, payload) -> b.heldElsewhere(List.of("mqtt:filters")).thenAccept(held -> seen.add(
        new String(payload, StandardCharsets.UTF_8) + ":" + held.getOrDefault("mqtt:filters", List.of()).size())));
    // What a sends on its connection for lookups and claims waits (a slow link), and must not matter.
    StatefulRedisConnection<String, String> slow = commandsOf.get("a");
    slow.setAutoFlushCommands(false);
    try {
      a.hold("mqtt:filters", "public/#", "0");
      a.broadcast("t", text("held"));
      await().until(() -> seen.size() == 1);
      a.release("mqtt:filters", "public/#");
      a.broadcast("t", text("released"));
      await().until(() -> seen.size() == 2);
    } finally {
      slow.setAutoFlushCommands(true);
      slow.flushCommands();
    }
    assertThat(seen).containsExactly("held:1", "released:0");
  }

  @Test
  void heldEntriesAreSeenByTheOthersOnly_andGoWhenReleased() {
    RedisBus a = bus("a");
    RedisBus b = bus("b");
    a.hold("im:u:ann", "s1", "v1");
    a.hold("im:u:ann", "s2", "v2");
    b.hold("im:u:ann", "s3", "v3");
    b.hold("im:u:bob", "s4", "v4");
    // Holds are written asynchronously, on each node's own connection.
    await().until(() -> admin.sync().hlen("{parley}:held:im:u:ann") == 3 && admin.sync().hlen("{parley}:held:im:u:bob") == 1);

    Map<String, List<NodeBus.Held>> fromB =
        b.heldElsewhere(List.of("im:u:ann", "im:u:bob", "im:u:nobody")).toCompletableFuture().join();
    assertThat(fromB).containsOnlyKeys("im:u:ann");
    assertThat(fromB.get("im:u:ann")).containsExactlyInAnyOrder(new NodeBus.Held("a", "s1", "v1"),
        new NodeBus.Held("a", "s2", "v2"));
    Map<String, List<NodeBus.Held>> fromA =
        a.heldElsewhere(List.of("im:u:ann", "im:u:bob")).toCompletableFuture().join();
    assertThat(fromA.get("im:u:ann")).containsExactly(new NodeBus.Held("b", "s3", "v3"));
    assertThat(fromA.get("im:u:bob")).containsExactly(new NodeBus.Held("b", "s4", "v4"));

    a.release("im:u:ann", "s1");
    await().until(() -> b.heldElsewhere(List.of("im:u:ann")).toCompletableFuture().join().get("im:u:ann")
        .equals(List.of(new NodeBus.Held("a", "s2", "v2"))));
  }

  @Test
  void ofNodesClaimingOneFieldAtOnceExactlyOneHoldsIt_theOthersAreToldWho_andOtherFieldsDoNotCount() {
    RedisBus a = bus("a");
    RedisBus b = bus("b");
    RedisBus c = bus("c");
    // Another field under the key, and the same name as a suffix of a longer one, are not the field.
    c.hold("rooms", "standup", "c");
    c.hold("rooms", "x/daily", "c");
    await().until(() -> admin.sync().hlen("{parley}:held:rooms") == 2);
    for (int round = 0; round < 20; round++) {
      String room = "daily-" + round;
      var fromA = a.claim("rooms", room, "a").toCompletableFuture();
      var fromB = b.claim("rooms", room, "b").toCompletableFuture();
      NodeBus.Held heldA = fromA.join();
      NodeBus.Held heldB = fromB.join();
      assertThat(heldA).isEqualTo(heldB);
      assertThat(heldA.node()).isIn("a", "b");
      assertThat(heldA.value()).isEqualTo(heldA.node());
      assertThat(admin.sync().hkeys("{parley}:held:rooms")).filteredOn(f -> f.endsWith("/" + room))
          .containsExactly(heldA.node() + "/" + room);
      // Asking again changes nothing, for the holder as for the other.
      assertThat(a.claim("rooms", room, "a2").toCompletableFuture().join()).isEqualTo(heldA);
      assertThat(b.claim("rooms", room, "b2").toCompletableFuture().join()).isEqualTo(heldA);
    }
    assertThat(a.claim("rooms", "daily", "a").toCompletableFuture().join()).isEqualTo(new NodeBus.Held("a", "daily", "a"));
    // Released, or its holder gone, the field goes to the next claim.
    a.release("rooms", "daily");
    await().until(() -> !admin.sync().hexists("{parley}:held:rooms", "a/daily"));
    assertThat(b.claim("rooms", "daily", "b").toCompletableFuture().join()).isEqualTo(new NodeBus.Held("b", "daily", "b"));
    a.purge("b");
    assertThat(a.claim("rooms", "daily", "a").toCompletableFuture().join().node()).isEqualTo("a");
    assertThat(a.claim("rooms", "standup", "a").toCompletableFuture().join()).isEqualTo(new NodeBus.Held("c", "standup", "c"));
  }

  @Test
  void aClaimWonIsWrittenAgainAfterARedisRestart_andAClaimFailsWhileRedisIsAway() {
    RedisBus a = bus("a");
    RedisBus b = bus("b");
    assertThat(a.claim("rooms", "r", "a").toCompletableFuture().join().node()).isEqualTo("a");
    redis.restart();
    await().ignoreExceptions().until(() -> "PONG".equals(admin.sync().ping()));
    await().until(a::tick);
    assertThat(b.claim("rooms", "r", "b").toCompletableFuture().join()).isEqualTo(new NodeBus.Held("a", "r", "a"));
    redis.stop();
    await().until(() -> {
      try {
        b.claim("rooms", "s", "b").toCompletableFuture().join();
        return false;
      } catch (RuntimeException e) {
        return true;
      }
    });
  }

  @Test
  void theEntriesOfANodeFoundGoneArePurged_andANodeStartingAgainDropsWhatItsLastRunLeft() {
    RedisBus a = bus("a");
    RedisBus b = bus("b");
    a.hold("k", "f", "v");
    a.hold("k2", "f", "v");
    b.hold("k", "g", "w");
    await().until(() -> b.heldElsewhere(List.of("k", "k2")).toCompletableFuture().join().size() == 2);

    b.purge("a");
    assertThat(b.heldElsewhere(List.of("k", "k2")).toCompletableFuture().join()).isEmpty();
    assertThat(admin.sync().hkeys("{parley}:held:k")).containsExactly("b/g");

    // Node b is killed (nothing released) and starts again under its id.
    RedisBus again = bus("b");
    assertThat(again.heldElsewhere(List.of("k")).toCompletableFuture().join()).isEmpty();
    assertThat(a.heldElsewhere(List.of("k")).toCompletableFuture().join()).isEmpty();
  }

  /** Registers a listener of orphans under {@code prefix} on {@code bus}; what it gets, as "node key field=value". */
  private static List<String> orphans(NodeBus bus, String prefix) {
    List<String> got = new CopyOnWriteArrayList<>();
    bus.onOrphaned(prefix, (node, entries) -> entries.forEach((key, held) -> held.forEach(
        h -> got.add(node + " " + key + " " + h.field() + "=" + h.value()))));
    return got;
  }

  @Test
  void whatADeadNodeHeldGoesOnceToTheListenerOfItsKeys_andWhatAnEarlierRunLeftWaitsForOne() {
    RedisBus a = bus("a");
    RedisBus b = bus("b");
    RedisBus c = bus("c");
    List<String> toA = orphans(a, "s:");
    List<String> toC = orphans(c, "s:");
    b.hold("s:1", "f", "v1");
    b.hold("s:2", "f", "");
    b.hold("other:1", "f", "x");
    await().until(() -> admin.sync().scard("{parley}:holds:b") == 3);

    // Both find b gone; the first purge removes its entries and only that node is told.
    a.purge("b");
    c.purge("b");
    await().until(() -> toA.size() == 2);
    assertThat(toA).containsExactlyInAnyOrder("b s:1 f=v1", "b s:2 f=");
    assertThat(toC).isEmpty(); // its purge removed nothing (and it hands nothing on asynchronously then)

    // Node d is killed and starts again under its id: what its earlier run left waits for its listener.
    RedisBus d = bus("d");
    d.hold("s:9", "f", "v9");
    await().until(() -> admin.sync().scard("{parley}:holds:d") == 1);
    RedisBus again = bus("d");
    List<String> toD = orphans(again, "s:");
    await().until(() -> toD.size() == 1);
    assertThat(toD).containsExactly("d s:9 f=v9");
    assertThat(toA).hasSize(2);
  }

  @Test
  void whatAListenerIsToldOfStaysItsNodesPendingUntilSettled_andGoesOnIfThatNodeDiesFirst() {
    RedisBus a = bus("a");
    RedisBus b = bus("b");
    RedisBus c = bus("c");
    List<String> toA = orphans(a, "s:");
    List<String> toC = orphans(c, "s:");
    b.hold("s:1", "f", "v1");
    b.hold("s:2", "f", "v2");
    b.hold("other:1", "f", "x");
    await().until(() -> admin.sync().scard("{parley}:holds:b") == 3);

    a.purge("b");
    await().until(() -> toA.size() == 2);
    // a's now, pending, written by the purge itself: no lookup sees them, nor do they stand in a claim's way.
    assertThat(admin.sync().smembers("{parley}:holds:a")).containsExactlyInAnyOrder("s:1\0\0f", "s:2\0\0f");
    assertThat(admin.sync().hget("{parley}:held:s:2", "a/\0f")).isEqualTo("v2");
    assertThat(admin.sync().hkeys("{parley}:held:other:1")).isEmpty();
    assertThat(c.heldElsewhere(List.of("s:1", "s:2")).toCompletableFuture().join()).isEmpty();
    assertThat(c.claim("s:2", "f", "c").toCompletableFuture().join().node()).isEqualTo("c");
    // A restarted Redis gets them again from a.
    redis.restart();
    await().ignoreExceptions().until(() -> "PONG".equals(admin.sync().ping()));
    await().until(a::tick);
    assertThat(admin.sync().smembers("{parley}:holds:a")).containsExactlyInAnyOrder("s:1\0\0f", "s:2\0\0f");

    a.settle("s:1", "f");
    await().until(() -> admin.sync().scard("{parley}:holds:a") == 1);
    // a dies before it settled s:2: c's purge of a tells c's listener of it, as the entry it was.
    c.purge("a");
    await().until(() -> toC.size() == 1);
    assertThat(toC).containsExactly("a s:2 f=v2");
    assertThat(admin.sync().hkeys("{parley}:held:s:2")).noneMatch(f -> f.startsWith("a/"));
  }

  @Test
  void anEntryPassedOnIsTheOtherNodesPending_andGoesOnIfThatNodeDiesBeforeSettlingIt() {
    RedisBus a = bus("a");
    bus("b");
    RedisBus c = bus("c");
    List<String> toC = orphans(c, "s:");
    a.hold("s:1", "f", "v1");
    a.passOn("s:1", "f", "b");
    await().until(() -> admin.sync().sismember("{parley}:holds:b", "s:1\0\0f"));
    assertThat(admin.sync().hgetall("{parley}:held:s:1")).containsExactly(Map.entry("b/\0f", "v1"));
    assertThat(admin.sync().scard("{parley}:holds:a")).isZero();
    assertThat(c.heldElsewhere(List.of("s:1")).toCompletableFuture().join()).isEmpty();

    c.purge("b");
    await().until(() -> toC.size() == 1);
    assertThat(toC).containsExactly("b s:1 f=v1");
  }

  @Test
  void anEntryAndItsIndexLineComeAndGoTogether_andAPurgeOfThousandsLeavesNothingOfTheNode() {
    RedisBus a = bus("a");
    RedisBus b = bus("b");
    b.hold("users", "u/1", "d1");
    await().until(() -> admin.sync().sismember("{parley}:holds:b", "users\u0000u/1"));
    assertThat(admin.sync().hget("{parley}:held:users", "b/u/1")).isEqualTo("d1");
    b.release("users", "u/1");
    await().until(() -> !admin.sync().sismember("{parley}:holds:b", "users\u0000u/1"));
    assertThat(admin.sync().hexists("{parley}:held:users", "b/u/1")).isFalse();

    for (int i = 0; i < 3000; i++) {
      b.hold("user:" + (i % 50), "dev/" + i, "v" + i);
    }
    a.hold("user:7", "dev/0", "mine");
    await().until(() -> admin.sync().scard("{parley}:holds:b") == 3000);
    b.purge("b");
    assertThat(admin.sync().exists("{parley}:holds:b")).isZero();
    for (int k = 0; k < 50; k++) {
      assertThat(admin.sync().hkeys("{parley}:held:user:" + k)).allMatch(f -> f.startsWith("a/"));
    }
    assertThat(admin.sync().hget("{parley}:held:user:7", "a/dev/0")).isEqualTo("mine");
  }

  @Test
  void aNodeThatStopsReleasesEverythingItHeld() throws Exception {
    RedisBus a = bus("a");
    RedisBus b = bus("b");
    b.hold("k", "f", "v");
    await().until(() -> a.heldElsewhere(List.of("k")).toCompletableFuture().join().containsKey("k"));
    b.close();
    assertThat(a.heldElsewhere(List.of("k")).toCompletableFuture().join()).isEmpty();
  }

  @Test
  void afterARedisRestartTheEntriesAreWrittenAgain_theResumeActionsRun_andMessagesFlow() {
    RedisBus a = bus("a");
    RedisBus b = bus("b");
    AtomicInteger resumedA = new AtomicInteger();
    a.onResume(resumedA::incrementAndGet);
    List<String> atB = inbox(b, "t");
    a.hold("k", "f", "v");
    await().until(() -> b.heldElsewhere(List.of("k")).toCompletableFuture().join().containsKey("k"));
    assertThat(a.tick()).isFalse(); // nothing was lost: no resume

    redis.restart(); // empty: no persistence
    await().ignoreExceptions().until(() -> "PONG".equals(admin.sync().ping()));
    assertThat(admin.sync().exists("{parley}:held:k")).isZero();
    // Until b wrote its entries again, its reads are refused: the restarted Redis holds some nodes' entries only.
    await().until(() -> refused(b));
    await().until(a::tick);
    await().until(() -> resumedA.get() == 1);
    assertThat(refused(b)).isTrue();
    await().until(b::tick);
    assertThat(b.heldElsewhere(List.of("k")).toCompletableFuture().join().get("k"))
        .containsExactly(new NodeBus.Held("a", "f", "v"));
    await().until(() -> {
      a.send("b", "t", text("again"));
      return !atB.isEmpty();
    });
    assertThat(atB).allMatch("a:again"::equals);
    assertThat(a.tick()).isFalse();
  }

  /** Whether a read of {@code bus} fails. */
  private static boolean refused(RedisBus bus) {
    try {
      bus.heldElsewhere(List.of("k")).toCompletableFuture().join();
      return false;
    } catch (RuntimeException e) {
      return true;
    }
  }

  @Test
  void whileRedisIsAwayLookupsFailAndSendsAreDropped_nothingThrows() {
    RedisBus a = bus("a");
    redis.stop();
    await().until(() -> {
      try {
        a.heldElsewhere(List.of("k")).toCompletableFuture().join();
        return false;
      } catch (RuntimeException e) {
        return true;
      }
    });
    a.send("b", "t", text("lost"));
    a.broadcast("t", text("lost"));
    a.hold("k", "f", "v");
    assertThat(a.tick()).isFalse();
  }

  @Test
  void framesCarrySenderTopicAndPayload_andWhatIsNotAFrameIsRefused() {
    byte[] f = Frame.encode("node-1", "im.deliver", new byte[] {1, 2, 3});
    Frame back = Frame.parse(f);
    assertThat(back.from()).isEqualTo("node-1");
    assertThat(back.topic()).isEqualTo("im.deliver");
    assertThat(back.payload()).containsExactly(1, 2, 3);
    assertThat(Frame.parse(new byte[0])).isNull();
    assertThat(Frame.parse(new byte[] {9, 'a'})).isNull();
    assertThat(Frame.parse(new byte[] {1, 'a', 5, 'b'})).isNull();
    assertThat(Frame.parse(Frame.encode("n", "", new byte[0])).topic()).isEmpty();
  }
}
