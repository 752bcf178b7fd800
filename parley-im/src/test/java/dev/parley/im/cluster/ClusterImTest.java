package dev.parley.im.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.core.cluster.Cluster;
import dev.parley.core.cluster.NodeBus;
import dev.parley.core.cluster.NodeInfo;
import dev.parley.core.spi.OfflineDeliveryHook;
import dev.parley.core.spi.ParleyModule;
import dev.parley.core.spi.ServerContext;
import dev.parley.core.store.StoreBackend;
import dev.parley.core.testing.HttpTestClient;
import dev.parley.core.testing.InMemoryBus;
import dev.parley.core.testing.ManualTime;
import dev.parley.core.testing.StorageFixture;
import dev.parley.im.testing.ImServer;
import dev.parley.im.testing.ImTestClient;
import dev.parley.im.testing.ImTestClient.Transport;
import dev.parley.protocol.Ids;
import dev.parley.protocol.im.Frame;
import dev.parley.protocol.im.GroupCreate;
import dev.parley.protocol.im.KickReason;
import dev.parley.protocol.im.Presence;
import dev.parley.protocol.im.PresenceSubscribe;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * IM on two nodes in one JVM, sharing one PostgreSQL database and joined by an in-memory bus (the
 * Redis bus has its own tests; parley-cluster runs the same scenarios over real Redis): messages,
 * every device of a user, kicks, the session cap, presence and the offline hook across nodes, and
 * what the bus lost filled in when it comes back.
 */
class ClusterImTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  record Hooked(String node, String user, String text) {}

  private final List<Hooked> hooked = new CopyOnWriteArrayList<>();
  private StorageFixture database;
  private InMemoryBus bus;
  private ImServer a;
  private ImServer b;

  /** Registers this node's bus, a view of both nodes and an offline hook that records its calls. */
  private final class NodeModule implements ParleyModule {
    private final String id;

    NodeModule(String id) {
      this.id = id;
    }

    @Override
    public String name() {
      return "test-node";
    }

    @Override
    public int order() {
      return 10;
    }

    @Override
    public void start(ServerContext ctx) {
      ctx.services().register(NodeBus.class, bus.node(id));
      ctx.services().register(Cluster.class, new Cluster() {
        @Override
        public String nodeId() {
          return id;
        }

        @Override
        public List<NodeInfo> nodes() {
          List<NodeInfo> out = new ArrayList<>();
          for (String n : List.of("a", "b")) {
            out.add(new NodeInfo(n, "127.0.0.1", 0, Instant.EPOCH, Instant.EPOCH, Map.of(), "ok"));
          }
          return out;
        }

        @Override
        public boolean healthy() {
          return true;
        }
      });
      ctx.services().register(OfflineDeliveryHook.class,
          (user, message) -> hooked.add(new Hooked(id, user, message.getText())));
    }
  }

  @BeforeEach
  void start() {
    database = StorageFixture.create(StoreBackend.POSTGRES);
    bus = new InMemoryBus();
    a = node("a", 8);
    b = node("b", 8);
  }

  private ImServer node(String id, int maxSessions) {
    return node(id, maxSessions, null);
  }

  private ImServer node(String id, int maxSessions, ManualTime time, String... settings) {
    ImServer.Builder builder = ImServer.builder().with(() -> new NodeModule(id))
        .set("im.max-sessions-per-user", maxSessions);
    if (time != null) {
      builder.time(time);
    }
    for (int i = 0; i < settings.length; i += 2) {
      builder.set(settings[i], settings[i + 1]);
    }
    database.kernelConfig().forEach(builder::set);
    return builder.start();
  }

  @AfterEach
  void stop() throws InterruptedException {
    if (a != null) {
      a.close();
    }
    if (b != null) {
      b.close();
    }
    bus.close();
    database.close();
  }

  @Test
  void usersOnDifferentNodesChatAndEveryDeviceGetsEveryMessage() {
    ImTestClient alicePhone = a.login(Transport.TCP, "alice", "phone").autoAck(true);
    ImTestClient aliceLaptop = b.login(Transport.WS_BINARY, "alice", "laptop").autoAck(true);
    ImTestClient bob = b.login(Transport.TCP, "bob", "phone").autoAck(true);
    String cid = Ids.direct("alice", "bob");

    assertThat(alicePhone.sendText("bob", "from a").getSendAck().getSeq()).isEqualTo(1);
    await().atMost(WAIT).until(() -> bob.pushedTexts(cid).contains("from a"));
    await().atMost(WAIT).until(() -> aliceLaptop.pushedTexts(cid).contains("from a"));
    assertThat(bob.sendText("alice", "from b").getSendAck().getSeq()).isEqualTo(2);
    await().atMost(WAIT).until(() -> alicePhone.pushedTexts(cid).contains("from b"));
    // Node a wrote seq 1, node b seq 2: a's next one is 3, not a clash with b's.
    assertThat(alicePhone.sendText("bob", "again from a").getSendAck().getSeq()).isEqualTo(3);
    await().atMost(WAIT).until(() -> bob.pushedTexts(cid).contains("again from a"));

    assertThat(bob.pushedTexts(cid)).containsExactly("from a", "again from a");
    assertThat(aliceLaptop.pushedTexts(cid)).containsExactly("from a", "from b", "again from a");
    assertThat(alicePhone.pushedTexts(cid)).containsExactly("from b");
    assertThat(hooked).isEmpty();
  }

  @Test
  void aResendThroughAnotherNodeAnswersTheFirstSendAckAndStoresNothing() {
    ImTestClient onA = a.login(Transport.TCP, "resender", "phone");
    ImTestClient peer = b.login(Transport.TCP, "resent-to", "phone").autoAck(true);
    String cid = Ids.direct("resender", "resent-to");
    Frame first = onA.sendToConversation(cid, "same-id", "once");
    onA.cut();
    // The device reconnects through the load balancer to the other node and resends.
    ImTestClient onB = b.login(Transport.TCP, "resender", "phone");
    Frame again = onB.sendToConversation(cid, "same-id", "once");
    assertThat(again.getSendAck().getSeq()).isEqualTo(first.getSendAck().getSeq());
    assertThat(again.getSendAck().getTimestamp()).isEqualTo(first.getSendAck().getTimestamp());
    assertThat(a.storedMessages(cid)).isEqualTo(1);
    await().atMost(WAIT).until(() -> peer.pushedTexts(cid).contains("once"));
    assertThat(peer.pushedTexts(cid)).containsExactly("once");
  }

  @Test
  void aGroupSpansNodes() {
    ImTestClient owner = a.login(Transport.TCP, "g-owner", "d").autoAck(true);
    ImTestClient member = b.login(Transport.TCP, "g-member", "d").autoAck(true);
    String gid = owner.call(Frame.newBuilder().setGroupCreate(GroupCreate.newBuilder().setName("both")
        .addMembers("g-member"))).getGroupInfo().getGroupId();
    owner.sendToConversation("g:" + gid, "c1", "hello group");
    await().atMost(WAIT).until(() -> member.pushedTexts("g:" + gid).contains("hello group"));
    member.sendToConversation("g:" + gid, "c2", "hello back");
    await().atMost(WAIT).until(() -> owner.pushedTexts("g:" + gid).contains("hello back"));
  }

  @Test
  void aLoginOnOneNodeKicksTheSameDeviceOnTheOther() {
    ImTestClient first = a.login(Transport.TCP, "kim", "phone");
    ImTestClient second = b.login(Transport.TCP, "kim", "phone");
    Frame kicked = first.nextEvent(WAIT);
    assertThat(kicked.getKicked().getReason()).isEqualTo(KickReason.KICK_REASON_REPLACED);
    await().atMost(WAIT).until(first::isClosed);
    assertThat(second.isClosed()).isFalse();
  }

  @Test
  void theSessionCapCountsEveryNode() {
    b.close();
    b = node("b", 2);
    a.close();
    a = node("a", 2);
    ImTestClient oldest = a.login(Transport.TCP, "cap", "one");
    ImTestClient middle = b.login(Transport.TCP, "cap", "two");
    // Two sessions: at the cap, nobody is kicked.
    ImTestClient newest = a.login(Transport.TCP, "cap", "three");
    Frame kicked = oldest.nextEvent(WAIT);
    assertThat(kicked.getKicked().getReason()).isEqualTo(KickReason.KICK_REASON_TOO_MANY_SESSIONS);
    await().atMost(WAIT).until(oldest::isClosed);
    assertThat(middle.isClosed()).isFalse();
    assertThat(newest.isClosed()).isFalse();
  }

  @Test
  void followersOnOneNodeSeePresenceOfUsersOnTheOther() {
    ImTestClient watcher = a.login(Transport.TCP, "watcher", "d");
    Frame answer = watcher.call(Frame.newBuilder().setPresenceSubscribe(PresenceSubscribe.newBuilder()
        .addUsers("walker")));
    assertThat(answer.getPresenceList().getPresences(0).getOnline()).isFalse();
    ImTestClient walker = b.login(Transport.TCP, "walker", "d");
    assertThat(nextPresence(watcher).getOnline()).isTrue();
    walker.cut();
    assertThat(nextPresence(watcher).getOnline()).isFalse();
  }

  @Test
  void theOfflineHookFiresOnceAndNotForAUserOnlineOnAnotherNode() {
    ImTestClient sender = a.login(Transport.TCP, "hs", "d");
    sender.sendText("nobody-online", "to the hook");
    await().atMost(WAIT).until(() -> !hooked.isEmpty());
    b.login(Transport.TCP, "online-on-b", "d").autoAck(true);
    sender.sendText("online-on-b", "pushed on b");
    sender.sendText("nobody-online", "second to the hook");
    await().atMost(WAIT).until(() -> hooked.size() >= 2);
    assertThat(hooked).containsExactly(new Hooked("a", "nobody-online", "to the hook"),
        new Hooked("a", "nobody-online", "second to the hook"));
  }

  @Test
  void whatTheBusLostIsFilledInWhenItReturns() {
    ImTestClient sender = a.login(Transport.TCP, "lost-sender", "d");
    ImTestClient receiver = b.login(Transport.TCP, "lost-receiver", "d").autoAck(true);
    String cid = Ids.direct("lost-sender", "lost-receiver");
    sender.sendText("lost-receiver", "before");
    await().atMost(WAIT).until(() -> receiver.pushedTexts(cid).contains("before"));
    bus.cut();
    // Stored and acknowledged, but its push to node b is lost with the bus.
    assertThat(sender.sendText("lost-receiver", "during").getSendAck().getSeq()).isEqualTo(2);
    bus.heal();
    await().atMost(WAIT).until(() -> receiver.pushedTexts(cid).contains("during"));
    assertThat(Set.copyOf(receiver.pushedTexts(cid))).containsExactlyInAnyOrder("before", "during");
  }

  @Test
  void theAdminApiOfEitherNodeListsAndKicksSessionsOnBoth() {
    ImTestClient here = a.login(Transport.TCP, "adm", "phone");
    ImTestClient there = b.login(Transport.TCP, "adm", "laptop");
    await().atMost(WAIT).until(() -> a.http().admin("GET", "/api/v1/users/adm/sessions", null).json()
        .get("sessions").size() == 2);
    HttpTestClient.Response list = a.http().admin("GET", "/api/v1/users/adm/sessions", null);
    assertThat(list.json().get("sessions").findValuesAsText("deviceId")).containsExactlyInAnyOrder("phone", "laptop");
    assertThat(list.json().get("sessions").findValuesAsText("node")).containsExactly("b");
    String laptopId = b.im().directory().sessions("adm")[0].sessionId();

    // The session is on b; the kick is asked of a.
    HttpTestClient.Response one = a.http().admin("DELETE", "/api/v1/users/adm/sessions/" + laptopId + "?node=b", null);
    assertThat(one.status()).isEqualTo(200);
    assertThat(there.nextEvent(WAIT).getKicked().getReason()).isEqualTo(KickReason.KICK_REASON_ADMIN);
    await().atMost(WAIT).until(there::isClosed);
    assertThat(here.isClosed()).isFalse();

    ImTestClient again = b.login(Transport.TCP, "adm", "tablet");
    await().atMost(WAIT).until(() -> a.http().admin("GET", "/api/v1/users/adm/sessions", null).json()
        .get("sessions").size() == 2);
    assertThat(b.http().admin("DELETE", "/api/v1/users/adm/sessions", null).json().get("kicked").asInt()).isEqualTo(2);
    await().atMost(WAIT).until(() -> here.isClosed() && again.isClosed());
  }

  @Test
  void thePerIpLoginLimitHoldsAcrossNodes() {
    a.close();
    b.close();
    ManualTime time = new ManualTime();
    a = node("a", 8, time, "im.rate.logins-per-second-per-ip", "1", "im.rate.login-burst-per-ip", "3");
    b = node("b", 8, time, "im.rate.logins-per-second-per-ip", "1", "im.rate.login-burst-per-ip", "3");
    int admitted = 0;
    for (int i = 0; i < 8; i++) {
      ImServer node = i % 2 == 0 ? a : b;
      if (node.connect(Transport.TCP).login(node.token("ip" + i), "d").hasLoginOk()) {
        admitted++;
      }
    }
    // One at the rate plus a burst of three, from the two nodes together.
    assertThat(admitted).isEqualTo(4);
  }

  private static Presence nextPresence(ImTestClient c) {
    while (true) {
      Frame f = c.nextEvent(WAIT);
      if (f.hasPresence()) {
        return f.getPresence();
      }
    }
  }
}
