package dev.parley.im;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.core.spi.ImGateway;
import dev.parley.core.spi.ParleyModule;
import dev.parley.core.spi.ServerContext;
import dev.parley.im.testing.ImServer;
import dev.parley.im.testing.ImTestClient;
import dev.parley.im.testing.ImTestClient.Transport;
import dev.parley.protocol.im.ErrorCode;
import dev.parley.protocol.im.Frame;
import dev.parley.protocol.im.Message;
import dev.parley.protocol.im.MessageKind;
import dev.parley.protocol.im.Ok;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The gateway other modules use to ride on IM sessions. */
class GatewayTest {
  static final List<String> EVENTS = new CopyOnWriteArrayList<>();
  static volatile ImGateway gateway;

  /** Stands in for call signaling: handles GroupList frames itself, hears sessions, adds to LoginOk. */
  static final class Rider implements ParleyModule {
    @Override
    public String name() {
      return "rider";
    }

    @Override
    public int order() {
      return 200;
    }

    @Override
    public void start(ServerContext ctx) {
      gateway = ctx.services().first(ImGateway.class).orElseThrow();
      gateway.addSessionListener(new ImGateway.SessionListener() {
        @Override
        public void opened(ImGateway.ImSession s) {
          EVENTS.add("opened " + s.user());
        }

        @Override
        public void closed(ImGateway.ImSession s) {
          EVENTS.add("closed " + s.user());
        }
      });
      gateway.addLoginDecorator((user, ok) -> ok.setMaxMessageBytes(12345));
    }
  }

  @Test
  void modulesSeeSessionsReachUsersAndStoreDirectMessages() throws Exception {
    try (ImServer s = ImServer.builder().with(Rider::new).start()) {
      ImTestClient a = s.connect(Transport.TCP);
      assertThat(a.login(s.token("ga"), "d").getLoginOk().getMaxMessageBytes()).isEqualTo(12345);
      ImTestClient b = s.login(Transport.WS_JSON, "gb", "d").autoAck(true);
      await().atMost(Duration.ofSeconds(5)).until(() -> EVENTS.containsAll(List.of("opened ga", "opened gb")));

      assertThat(gateway.sendToUser("gb", Frame.newBuilder().setOk(Ok.getDefaultInstance()).build())).isEqualTo(1);
      assertThat(b.nextEvent(Duration.ofSeconds(5)).hasOk()).isTrue();

      Message record = gateway.sendDirect("ga", "gb", Message.newBuilder().setKind(MessageKind.MESSAGE_KIND_CALL)
          .setClientId("call-1").setEvent("call.missed").build()).get(5, TimeUnit.SECONDS);
      assertThat(record.getSeq()).isEqualTo(1);
      await().atMost(Duration.ofSeconds(5)).until(() -> !b.pushed().isEmpty());
      assertThat(b.pushed().get(0).getKind()).isEqualTo(MessageKind.MESSAGE_KIND_CALL);

      // A frame type nobody handles is refused as before.
      Frame refused = a.call(Frame.newBuilder().setPush(dev.parley.protocol.im.Push.getDefaultInstance()));
      assertThat(refused.getError().getCode()).isEqualTo(ErrorCode.ERROR_CODE_BAD_REQUEST);
      a.cut();
      await().atMost(Duration.ofSeconds(5)).until(() -> EVENTS.contains("closed ga"));
    }
  }
}
