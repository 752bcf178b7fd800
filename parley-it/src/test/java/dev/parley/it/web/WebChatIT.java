package dev.parley.it.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.core.testing.HttpTestClient;
import dev.parley.core.testing.TestKernel;
import dev.parley.server.Modules;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/** Two headless Chromium pages chat through a real server, as two browser tabs would after ./parley start. */
class WebChatIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static TestKernel server;
  private static String base;
  private final List<Chromium> browsers = new ArrayList<>();
  private final List<ChatPage> pages = new ArrayList<>();

  @BeforeAll
  static void start() {
    Awaitility.setDefaultTimeout(Duration.ofSeconds(20));
    Awaitility.setDefaultPollInterval(Duration.ofMillis(50));
    // A fixed port, so the pages find the server again after a restart.
    server = TestKernel.builder(Modules::discover).set("http.port", freePort()).start();
    base = server.httpBase();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @AfterEach
  void closeBrowsers(TestInfo info) {
    for (ChatPage p : pages) {
      System.out.println("--- console of " + p.user + " (" + info.getDisplayName() + ")\n" + p.console());
    }
    browsers.forEach(Chromium::close);
  }

  private ChatPage page(String user) {
    Chromium c = Chromium.start();
    browsers.add(c);
    ChatPage p = new ChatPage(c.driver(), base, user);
    pages.add(p);
    return p.signIn();
  }

  @Test
  void twoPagesChatWithUnreadCountsReceiptsTypingAndPresence() {
    ChatPage alice = page("alice");
    ChatPage bob = page("bob");

    alice.startChat("bob");
    await().until(() -> alice.text("chat-status").equals("online"));
    alice.send("hello bob");
    await().until(() -> alice.bubbles("hello bob").size() == 1 && alice.bubbles("hello bob").get(0).seq() > 0);

    await().until(() -> bob.unread().getOrDefault("u:alice:bob", 0) == 1);
    bob.open("u:alice:bob");
    await().until(() -> bob.bubbles("hello bob").size() == 1);
    await().until(() -> bob.unread().get("u:alice:bob") == 0);
    await().until(() -> "read".equals(alice.bubbles("hello bob").get(0).status()));

    bob.type("hi al");
    await().until(() -> alice.text("typing").equals("bob is typing…"));
    bob.send("ice");
    await().until(() -> alice.bubbles("hi alice").size() == 1);
    await().until(() -> alice.text("typing").isEmpty());
    await().until(() -> "read".equals(bob.bubbles("hi alice").get(0).status()));
    assertThat(alice.bubbles()).extracting(ChatPage.Bubble::text).containsExactly("hello bob", "hi alice");
    assertThat(bob.bubbles()).extracting(ChatPage.Bubble::text).containsExactly("hello bob", "hi alice");
  }

  @Test
  void groupChatWithAddedMembers() {
    ChatPage carol = page("carol");
    ChatPage dave = page("dave");
    carol.createGroup("team", "dave");
    carol.send("hello team");
    await().until(() -> dave.titles().contains("team"));
    String group = (String) carol.js("return sessionStorage.getItem('parley:open')");
    await().until(() -> dave.unread().getOrDefault(group, 0) >= 1);
    dave.open(group);
    await().until(() -> dave.bubbles("hello team").size() == 1);
    await().until(() -> carol.bubbles("hello team").get(0).status().equals("read"));
    dave.send("hi carol");
    await().until(() -> carol.bubbles("hi carol").size() == 1);

    // erin is online when she is added: her page learns of the group from a push in its middle.
    ChatPage erin = page("erin");
    carol.addMembers("erin");
    await().until(() -> carol.text("chat-status").contains("erin"));
    await().until(() -> erin.titles().contains("team"));
    erin.open(group);
    erin.send("hi all");
    await().until(() -> carol.bubbles("hi all").size() == 1 && dave.bubbles("hi all").size() == 1);
    assertThat(erin.bubbles()).extracting(ChatPage.Bubble::text).doesNotContain("hello team", "hi carol").contains("hi all");
  }

  @Test
  void aPageSurvivesAServerRestartAndCatchesUp() throws Exception {
    ChatPage ann = page("ann");
    ChatPage ben = page("ben");
    ann.startChat("ben");
    ann.send("before the restart");
    await().until(() -> ben.unread().getOrDefault("u:ann:ben", 0) == 1);
    ben.open("u:ann:ben");
    await().until(() -> ben.bubbles("before the restart").size() == 1);

    server.stop();
    await().until(() -> !ann.connection().equals("online") && !ben.connection().equals("online"));
    ann.send("sent while the server was down");
    assertThat(ann.bubbles("sent while the server was down")).extracting(ChatPage.Bubble::status).containsExactly("sending");

    server.startAgain();
    // Someone writes to ann before her page is back: it must catch up.
    sendAs("cat", "ann", "you missed this");

    await().atMost(Duration.ofSeconds(60)).until(() -> ann.connection().equals("online") && ben.connection().equals("online"));
    await().until(() -> ben.bubbles("sent while the server was down").size() == 1);
    await().until(() -> ann.bubbles("sent while the server was down").size() == 1
        && ann.bubbles("sent while the server was down").get(0).seq() > 0);
    await().until(() -> ann.unread().getOrDefault("u:ann:cat", 0) == 1);
    ben.send("after the restart");
    await().until(() -> ann.bubbles("after the restart").size() == 1);

    for (ChatPage p : List.of(ann, ben)) {
      assertThat(p.bubbles()).extracting(ChatPage.Bubble::text)
          .containsExactly("before the restart", "sent while the server was down", "after the restart");
      assertThat(p.bubbles()).extracting(ChatPage.Bubble::seq).containsExactly(1L, 2L, 3L);
    }
    ann.open("u:ann:cat");
    await().until(() -> ann.bubbles("you missed this").size() == 1);
  }

  /** Sends one message over the WebSocket JSON protocol as {@code from}, and waits for its SendAck. */
  private static void sendAs(String from, String to, String text) throws Exception {
    JsonNode login = new HttpTestClient(base).post("/api/v1/dev/login", null, "{\"userId\":\"" + from + "\"}").json();
    LinkedBlockingQueue<String> got = new LinkedBlockingQueue<>();
    WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
        .buildAsync(URI.create(base.replace("http:", "ws:") + "/im"), new WebSocket.Listener() {
          @Override
          public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
            got.add(data.toString());
            w.request(1);
            return null;
          }
        }).get(10, TimeUnit.SECONDS);
    try {
      ws.sendText(JSON.writeValueAsString(JSON.createObjectNode().put("req", 1).set("login", JSON.createObjectNode()
          .put("protocolVersion", 1).put("token", login.path("token").asText()).put("deviceId", "it"))), true).join();
      assertThat(got.poll(10, TimeUnit.SECONDS)).contains("loginOk");
      ws.sendText(JSON.writeValueAsString(JSON.createObjectNode().put("req", 2).set("send", JSON.createObjectNode()
          .put("clientId", "it-" + System.nanoTime()).put("toUser", to).put("kind", "MESSAGE_KIND_TEXT").put("text", text))),
          true).join();
      String answer;
      do {
        answer = got.poll(10, TimeUnit.SECONDS);
        assertThat(answer).as("SendAck").isNotNull();
      } while (!answer.contains("sendAck"));
    } finally {
      ws.abort();
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
