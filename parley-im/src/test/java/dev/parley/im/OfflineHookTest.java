package dev.parley.im;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.core.spi.OfflineDeliveryHook;
import dev.parley.core.spi.ParleyModule;
import dev.parley.core.spi.ServerContext;
import dev.parley.im.testing.ImServer;
import dev.parley.im.testing.ImTestClient;
import dev.parley.im.testing.ImTestClient.Transport;
import dev.parley.protocol.im.Frame;
import dev.parley.protocol.im.GroupCreate;
import dev.parley.protocol.im.Message;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The offline-delivery hook hears of messages to users with no online device, and only those. */
class OfflineHookTest {
  record Call(String user, Message message) {}

  static final List<Call> CALLS = new CopyOnWriteArrayList<>();

  /** A module standing in for MQTT push: it registers a hook. */
  static final class HookModule implements ParleyModule {
    @Override
    public String name() {
      return "hook";
    }

    @Override
    public void start(ServerContext ctx) {
      ctx.services().register(OfflineDeliveryHook.class, (user, message) -> CALLS.add(new Call(user, message)));
    }
  }

  @Test
  void offlineRecipientsAreHandedToTheHookOnlineOnesAreNot() {
    try (ImServer s = ImServer.builder().with(HookModule::new).start()) {
      ImTestClient a = s.login(Transport.TCP, "ha", "d");
      ImTestClient b = s.login(Transport.TCP, "hb", "d").autoAck(true);
      a.sendText("hb", "online");
      a.sendText("hc", "offline");
      String gid = a.call(Frame.newBuilder().setGroupCreate(GroupCreate.newBuilder().setName("g").addMembers("hb")
          .addMembers("hd"))).getGroupInfo().getGroupId();
      a.sendToConversation("g:" + gid, "g1", "to the group");
      await().atMost(Duration.ofSeconds(5)).until(() -> CALLS.stream().anyMatch(c -> c.message().getText()
          .equals("to the group")));
      assertThat(CALLS).extracting(Call::user).doesNotContain("hb", "ha");
      assertThat(CALLS).filteredOn(c -> c.message().getText().equals("offline")).extracting(Call::user)
          .containsExactly("hc");
      assertThat(CALLS).filteredOn(c -> c.message().getText().equals("to the group")).extracting(Call::user)
          .containsExactly("hd");
      Message m = CALLS.stream().filter(c -> c.user().equals("hc")).findFirst().orElseThrow().message();
      assertThat(m.getSeq()).isEqualTo(1);
      assertThat(m.getSender()).isEqualTo("ha");
      assertThat(b.isClosed()).isFalse();
    }
  }
}
