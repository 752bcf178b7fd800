package dev.parley.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.client.Clients.Pair;
import dev.parley.core.testing.TestTls;
import dev.parley.im.testing.ImServer;
import java.util.stream.IntStream;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** TCP with TLS ({@code tls://}) and WebSocket with TLS ({@code wss://}), the certificate checked. */
class TlsTest {
  private static ImServer server;
  private static SSLContext trusting;
  private final Clients clients = new Clients();

  @BeforeAll
  static void start() {
    server = ImServer.builder().set("tls.cert-file", TestTls.certFile().toString())
        .set("tls.key-file", TestTls.keyFile().toString()).set("im.tcp.tls", "true").set("http.tls", "true").start();
    trusting = TestTls.clientContext();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @AfterEach
  void close() {
    clients.close();
  }

  private Pair connect(String uri, String user, SSLContext ssl) {
    return clients.connect(ClientConfig.builder().server(uri).token(server.token(user)).sslContext(ssl));
  }

  @Test
  void messagesFlowOverTlsOnTcpAndWebSocket() {
    Pair tcp = connect("tls://localhost:" + server.tcpPort(), "tls-a", trusting);
    Pair ws = connect("wss://localhost:" + server.httpPort() + "/im", "tls-b", trusting);
    await().until(() -> tcp.rec().state() == ConnectionState.ONLINE && ws.rec().state() == ConnectionState.ONLINE);
    // Enough to span several TLS records each way.
    String big = "y".repeat(40_000);
    IntStream.range(0, 20).forEach(i -> tcp.client().sendText("tls-b", i + ":" + big));
    IntStream.range(0, 20).forEach(i -> ws.client().sendText("tls-a", "back " + i));
    await().until(() -> ws.rec().messages.size() == 20 && tcp.rec().messages.size() == 20);
    assertThat(ws.rec().messages.get(19).getText()).startsWith("19:").hasSize(40_003);
    assertThat(tcp.rec().messages.get(19).getText()).isEqualTo("back 19");
  }

  @Test
  void untrustedCertificateIsRefused() throws Exception {
    Pair p = connect("tls://localhost:" + server.tcpPort(), "tls-c", SSLContext.getDefault());
    await().until(() -> p.rec().state() == ConnectionState.WAITING);
    assertThat(p.rec().last().error()).isInstanceOf(javax.net.ssl.SSLException.class);
    assertThat(p.rec().logins()).isZero();
  }

  @Test
  void certificateForAnotherNameIsRefused() {
    // The certificate names localhost and 127.0.0.1; 127.0.0.2 reaches the same loopback.
    Pair p = connect("tls://127.0.0.2:" + server.tcpPort(), "tls-d", trusting);
    await().until(() -> p.rec().state() == ConnectionState.WAITING);
    assertThat(p.rec().logins()).isZero();
  }
}
