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
import java.util.Map;
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

  @Test
  @SuppressWarnings("unchecked")
  void theRequestApiWorksAgainstTheServer() {
    TestKernel server = server();
    SdkPage page = page(server);
    page.login("uma", "uma", "u1");
    page.login("vic", "vic", "v1");
    Map<String, Object> out = page.evalAsync("""
        const [uma, vic] = [window.clients.uma, window.clients.vic];
        const out = {};
        const first = await uma.send({ to: 'vic', text: 'one' }).done;
        await uma.send({ to: 'vic', custom: { type: 'geo', data: { lat: 52.5 } }, text: 'a place' }).done;
        const recall = await uma.recall(first.conversation, first.seq);
        out.recallSeq = recall.seq;
        const history = await vic.history('u:uma:vic', { limit: 10 });
        out.history = history.messages.map((m) => `${m.seq}:${m.kind}:${m.recalled}:${m.text}`);
        out.custom = new TextDecoder().decode(history.messages[1].custom.data);
        await vic.markRead('u:uma:vic', 3);
        const list = await uma.conversations();
        out.list = list.map((c) => `${c.conversation}:${c.type}:${c.title}:${c.lastSeq}:${c.peerReadSeq}`);
        const g = await uma.createGroup('crew', ['vic']);
        await uma.renameGroup(g.groupId, 'crew 2');
        await uma.addMembers(g.groupId, ['wes', 'xia']);
        await uma.removeMembers(g.groupId, ['xia']);
        await uma.setRole(g.groupId, 'vic', 'admin');
        const info = await vic.group(g.groupId);
        out.group = `${info.name}:${info.owner}:` + info.members.map((m) => m.user + '/' + m.role).sort().join(',');
        out.groups = (await vic.groups()).map((x) => x.name);
        await vic.leaveGroup(g.groupId);
        out.afterLeave = (await vic.groups()).length;
        out.presence = (await uma.subscribePresence({ users: ['vic', 'nobody'] })).map((p) => `${p.user}:${p.online}`);
        out.errorCode = await uma.renameGroup('no-such-group', 'x').then(() => 'none', (e) => e.code);
        return out;
        """);
    assertThat(out.get("recallSeq")).isEqualTo(3L);
    assertThat((List<Object>) out.get("history")).containsExactly("1:text:true:", "2:custom:false:a place", "3:recall:false:");
    assertThat(out.get("custom")).isEqualTo("{\"lat\":52.5}");
    assertThat((List<Object>) out.get("list")).containsExactly("u:uma:vic:direct:vic:3:3");
    assertThat(out.get("group")).isEqualTo("crew 2:uma:uma/owner,vic/admin,wes/member");
    assertThat((List<Object>) out.get("groups")).containsExactly("crew 2");
    assertThat(out.get("afterLeave")).isEqualTo(0L);
    assertThat((List<Object>) out.get("presence")).containsExactly("vic:true", "nobody:false");
    assertThat(out.get("errorCode")).isEqualTo("NOT_FOUND");
    // vic's device was handed every message of the conversation once, in order, the recall included.
    await().until(() -> page.messages("vic").stream().filter(m -> m.startsWith("u:uma:vic")).count() == 3);
    assertThat(page.messages("vic").stream().filter(m -> m.startsWith("u:uma:vic")))
        .containsExactly("u:uma:vic#1:one", "u:uma:vic#2:a place", "u:uma:vic#3:");
    assertThat(page.events("vic", "recall")).extracting(r -> r.get("seq")).containsExactly(1L);
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
