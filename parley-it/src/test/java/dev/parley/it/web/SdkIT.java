package dev.parley.it.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.core.testing.HttpTestClient;
import dev.parley.core.testing.TestKernel;
import dev.parley.server.Modules;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The JavaScript SDK in headless Chromium against a real server: heartbeats, kicks, the send queue across a restart. */
class SdkIT {
  private final List<AutoCloseable> closeLater = new ArrayList<>();

  @BeforeAll
  static void timeouts() {
    Awaitility.setDefaultTimeout(Duration.ofSeconds(20));
    Awaitility.setDefaultPollInterval(Duration.ofMillis(50));
  }

  @AfterEach
  void close() throws Exception {
    for (int i = closeLater.size() - 1; i >= 0; i--) {
      closeLater.get(i).close();
    }
  }

  private TestKernel server(String... config) {
    TestKernel.Builder b = TestKernel.builder(Modules::discover).set("http.port", freePort());
    for (int i = 0; i < config.length; i += 2) {
      b.set(config[i], config[i + 1]);
    }
    TestKernel k = b.start();
    closeLater.add(k);
    return k;
  }

  private SdkPage page(TestKernel server) {
    Chromium c = Chromium.start();
    closeLater.add(c);
    return new SdkPage(c.driver(), server.httpBase());
  }

  @Test
  void heartbeatsKeepAnIdleConnectionAlivePastTheIdleTimeout() {
    // Idle timeout 1.5 × 400 ms: a connection silent for 600 ms is closed.
    TestKernel server = server("im.heartbeat.max-interval", "400ms");
    SdkPage page = page(server);
    String session = page.login("c", "hana", "d1");
    assertThat(session).doesNotStartWith("login failed");

    // The control: a bare socket that logs in and then stays silent is closed by the server.
    Object closed = page.eval("const token = arguments[0];"
        + "window.bare = { closed: null };"
        + "const ws = new WebSocket(location.origin.replace('http', 'ws') + '/im');"
        + "ws.onopen = () => ws.send(JSON.stringify({ req: 1, login: { protocolVersion: 1, token, deviceId: 'bare' } }));"
        + "ws.onclose = () => { window.bare.closed = Date.now(); };"
        + "return true;", new HttpTestClient(server.httpBase()).post("/api/v1/dev/login", null, "{\"userId\":\"ivo\"}")
            .json().path("token").asText());
    assertThat(closed).isEqualTo(true);
    await().until(() -> page.eval("return window.bare.closed") != null);

    await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> "online".equals(page.state("c")));
    assertThat(page.events("c", "login")).hasSize(1);
    assertThat(page.eval("return window.clients.c.session.sessionId")).isEqualTo(session);
  }

  @Test
  void aKickedClientDoesNotReconnect() {
    TestKernel server = server();
    SdkPage page = page(server);
    page.login("first", "kim", "phone");
    page.login("second", "kim", "phone");
    await().until(() -> "kicked".equals(page.state("first")));
    assertThat(page.events("first", "kicked")).extracting(k -> k.get("reason")).containsExactly("replaced");
    await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> "kicked".equals(page.state("first")));
    assertThat(sessions(server, "kim")).isEqualTo(1);

    HttpTestClient admin = new HttpTestClient(server.httpBase());
    assertThat(admin.admin("DELETE", "/api/v1/users/kim/sessions", null).status()).isEqualTo(200);
    await().until(() -> "kicked".equals(page.state("second")));
    assertThat(page.events("second", "kicked")).extracting(k -> k.get("reason")).containsExactly("admin");
    await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> sessions(server, "kim") == 0);
  }

  @Test
  void messagesSentWhileTheServerIsDownArriveOnceInOrderAfterItReturns() {
    TestKernel server = server();
    SdkPage page = page(server);
    page.login("sam", "sam", "s1");
    page.login("rex", "rex", "r1");
    page.send("sam", "rex", "m0");
    await().until(() -> page.messages("rex").size() == 1);

    server.stop();
    await().until(() -> !"online".equals(page.state("sam")) && !"online".equals(page.state("rex")));
    List<String> ids = IntStream.rangeClosed(1, 20).mapToObj(i -> page.send("sam", "rex", "m" + i)).toList();
    server.startAgain();

    await().atMost(Duration.ofSeconds(60)).until(() -> page.messages("rex").size() >= 21);
    await().during(Duration.ofSeconds(1)).until(() -> page.messages("rex").size() == 21);
    assertThat(page.messages("rex")).containsExactlyElementsOf(
        IntStream.rangeClosed(0, 20).mapToObj(i -> "u:rex:sam#" + (i + 1) + ":m" + i).toList());
    await().until(() -> page.events("sam", "sent").size() == 21);
    assertThat(page.events("sam", "sent")).extracting(s -> s.get("clientId")).containsAll(ids);
    assertThat(page.events("sam", "failed")).isEmpty();
    // The sender's own timeline holds its messages once each, too.
    assertThat(page.messages("sam")).hasSize(21).doesNotHaveDuplicates();
  }

  private static int sessions(TestKernel server, String user) {
    HttpTestClient.Response r = new HttpTestClient(server.httpBase()).admin("GET", "/api/v1/users/" + user + "/sessions", null);
    return r.json().path("sessions").size();
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
