package dev.parley.im;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.core.testing.TestTls;
import dev.parley.im.testing.ImServer;
import dev.parley.im.testing.ImTestClient;
import dev.parley.im.testing.ImTestClient.Transport;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;

/** IM over TLS: TCP with im.tcp.tls, WebSocket over wss with http.tls. */
class TlsTest {
  @Test
  void chatOverTlsTcpAndWss() {
    try (ImServer s = ImServer.builder().set("tls.cert-file", TestTls.certFile().toString())
        .set("tls.key-file", TestTls.keyFile().toString()).set("im.tcp.tls", "true").set("http.tls", "true")
        .start()) {
      SSLContext tls = TestTls.clientContext();
      ImTestClient a = ImTestClient.connect(Transport.TCP, s.tcpPort(), s.httpPort(), tls);
      ImTestClient b = ImTestClient.connect(Transport.WS_JSON, s.tcpPort(), s.httpPort(), tls).autoAck(true);
      assertThat(a.login(s.token("ta"), "d").hasLoginOk()).isTrue();
      assertThat(b.login(s.token("tb"), "d").hasLoginOk()).isTrue();
      assertThat(a.sendText("tb", "secret").hasSendAck()).isTrue();
      await().atMost(Duration.ofSeconds(5)).until(() -> b.pushedTexts("u:ta:tb").contains("secret"));
      a.close();
      b.close();
    }
  }
}
