package dev.parley.im.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.core.net.ChannelHandlerNames;
import dev.parley.im.session.Session;
import dev.parley.im.testing.ImServer;
import dev.parley.im.testing.ImServerExtension;
import dev.parley.im.testing.ImTestClient.Transport;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The final order of each IM pipeline is the one {@link ImHandlerNames} documents. */
class ImPipelinesTest {
  @RegisterExtension
  static final ImServerExtension SERVER = new ImServerExtension();

  static List<String> pipelineOf(String user) {
    ImServer s = SERVER.server();
    await().atMost(Duration.ofSeconds(5)).until(() -> s.im().directory().sessions(user).length == 1);
    Session session = s.im().directory().sessions(user)[0];
    List<String> names = ConnectionInternals.channelOf(session).pipeline().names();
    // The pipeline's own tail context is listed last.
    return names.subList(0, names.size() - 1);
  }

  @Test
  void tcpDecodesThenHandsFramesToTheConnection() {
    SERVER.server().login(Transport.TCP, "tcp-user", "d");
    assertThat(pipelineOf("tcp-user")).containsExactly(ImHandlerNames.DECODER, ImHandlerNames.CONNECTION,
        ChannelHandlerNames.QUIET_EXCEPTIONS);
  }

  @Test
  void webSocketPutsTheSizeErrorBeforeTheFrameDecoderAndTheConnectionAfterCoresHandlers() {
    SERVER.server().login(Transport.WS_BINARY, "ws-user", "d");
    assertThat(pipelineOf("ws-user")).containsExactly("wsencoder", ImHandlerNames.WS_TOO_LARGE,
        "wsdecoder", ChannelHandlerNames.WS_AGGREGATOR, ChannelHandlerNames.WS_CONTROL, ImHandlerNames.WS_INBOUND,
        ImHandlerNames.CONNECTION, ChannelHandlerNames.QUIET_EXCEPTIONS);
  }
}
