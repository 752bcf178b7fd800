package dev.parley.im;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.im.net.ConnectionInternals;
import dev.parley.im.session.Session;
import dev.parley.im.testing.ImServer;
import dev.parley.im.testing.ImServerExtension;
import dev.parley.im.testing.ImSocket;
import dev.parley.im.testing.ImTestClient;
import dev.parley.im.testing.ImTestClient.Transport;
import dev.parley.protocol.im.Custom;
import dev.parley.protocol.im.Frame;
import dev.parley.protocol.im.Login;
import dev.parley.protocol.im.Message;
import dev.parley.protocol.im.MessageKind;
import dev.parley.protocol.im.Push;
import dev.parley.protocol.im.Typing;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the server writes outside the push path (presence, typing, call signaling, gateway frames:
 * everything through {@code Session.send}) is bounded and batched like pushes.
 */
class OutboundTest {
  @RegisterExtension
  static final ImServerExtension SERVER = new ImServerExtension(b -> b.set("im.max-outbound-bytes", "64KiB"));

  static ImServer server() {
    return SERVER.server();
  }

  static Session session(String user) {
    await().atMost(Duration.ofSeconds(5)).until(() -> server().im().directory().sessions(user).length == 1);
    return server().im().directory().sessions(user)[0];
  }

  @Test
  void aSessionThatStopsReadingIsClosedAsASlowConsumerWhateverIsSentToIt() throws Exception {
    double before = server().im().metrics().slowConsumers.count();
    // A small window, so the server's buffers fill soon; the client logs in, then never reads again.
    try (ImSocket s = ImSocket.connect(server().tcpPort(), null, 5000, socket -> socket.setReceiveBufferSize(4096))) {
      s.send(Frame.newBuilder().setReq(1).setLogin(Login.newBuilder()
          .setProtocolVersion(1).setToken(server().token("stalled")).setDeviceId("d")).build());
      Frame answer = s.next();
      assertThat(answer.hasLoginOk()).as("login answer %s", answer).isTrue();
      Session stalled = session("stalled");
      Frame big = Frame.newBuilder().setPush(Push.newBuilder().addMessages(Message.newBuilder()
          .setConversation("u:someone:stalled").setKind(MessageKind.MESSAGE_KIND_CUSTOM)
          .setCustom(Custom.newBuilder().setType("blob").setData(com.google.protobuf.ByteString.copyFrom(
              new byte[60_000]))))).build();
      for (int i = 0; i < 400 && server().im().directory().isOnline("stalled"); i++) {
        stalled.send(big);
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> !server().im().directory().isOnline("stalled"));
      assertThat(server().im().metrics().slowConsumers.count()).isEqualTo(before + 1);
    }
  }

  @Test
  void framesSentFromOtherThreadsAreFlushedOncePerPassOfTheEventLoop() throws Exception {
    ImTestClient c = server().login(Transport.TCP, "batched", "d");
    Session conn = session("batched");
    AtomicInteger flushes = new AtomicInteger();
    ConnectionInternals.channelOf(conn).pipeline().addFirst(new ChannelOutboundHandlerAdapter() {
      @Override
      public void flush(ChannelHandlerContext ctx) {
        flushes.incrementAndGet();
        ctx.flush();
      }
    });
    // Hold the event loop so that all 50 sends are queued before any runs: one pass handles them all.
    CountDownLatch hold = new CountDownLatch(1);
    CountDownLatch held = new CountDownLatch(1);
    conn.eventLoop().execute(() -> {
      held.countDown();
      try {
        hold.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    held.await();
    for (int i = 0; i < 50; i++) {
      conn.send(Frame.newBuilder().setTyping(Typing.newBuilder().setConversation("u:batched:x").setUser("x")
          .setTyping(i % 2 == 0)).build());
    }
    hold.countDown();
    java.util.List<Frame> got = new java.util.ArrayList<>();
    await().atMost(Duration.ofSeconds(5)).until(() -> {
      got.addAll(c.drainEvents());
      return got.size() >= 50;
    });
    assertThat(got).hasSize(50).allMatch(Frame::hasTyping);
    assertThat(flushes.get()).isEqualTo(1);
  }
}
