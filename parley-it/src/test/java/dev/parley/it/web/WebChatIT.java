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
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;

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
    return page(user, 0, 0);
  }

  /** A signed-in page in a window of {@code width} x {@code height} (0: the fixture's default size). */
  private ChatPage page(String user, int width, int height) {
    Chromium c = Chromium.start();
    browsers.add(c);
    if (width > 0) {
      c.driver().manage().window().setSize(new Dimension(width, height));
    }
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

  @Test
  void atAPhonesWidthTheListAndTheConversationEachTakeTheScreen() {
    ChatPage fay = page("fay", 390, 844);
    assertThat(((Number) fay.js("return innerWidth")).intValue()).isLessThanOrEqualTo(390);
    double screen = ((Number) fay.js("return innerWidth")).doubleValue();
    assertThat(fay.noSideScroll()).isTrue();
    // The list first, the whole width.
    assertThat(fay.inView("new-chat-user")).isTrue();
    assertThat(fay.width("conversations")).isGreaterThan(screen * 0.8);
    fay.startChat("gus");
    fay.send("hello from a phone with a message long enough to need more than one line of the bubble");
    await().until(() -> fay.bubbles().size() == 1);
    // Then the conversation, the whole width, with a composer one can type into.
    for (String id : List.of("chat-title", "composer-text", "composer-send", "back", "messages")) {
      assertThat(fay.inView(id)).as(id).isTrue();
    }
    assertThat(fay.width("composer-text")).isGreaterThan(screen * 0.5);
    assertThat(fay.inView("conversations")).isFalse();
    assertThat(fay.noSideScroll()).isTrue();
    // And back to the list, where the conversation now is.
    fay.js("document.getElementById('back').click()");
    await().until(() -> fay.inView("conversations") && fay.titles().contains("gus"));
    assertThat(fay.inView("composer-text")).isFalse();
    assertThat(fay.noSideScroll()).isTrue();
    fay.open("u:fay:gus");
    await().until(() -> fay.inView("composer-text"));
  }

  @Test
  void aBadUserIdIsToldWhichCharactersAreAllowed() {
    Chromium c = Chromium.start();
    browsers.add(c);
    ChatPage p = new ChatPage(c.driver(), base, "bad id!");
    String rule = "A user id is 1 to 64 characters: letters A-Z and a-z, digits 0-9, and _ . @ - "
        + "(no spaces or other signs).";
    for (String path : List.of("/", "/call", "/room")) {
      c.driver().get(base + path);
      c.driver().findElement(By.id("signin-user")).sendKeys("bad id!");
      c.driver().findElement(By.cssSelector("#signin-form button[type=submit]")).click();
      assertThat(p.js("return document.getElementById('signin-user').validationMessage")).as(path).isEqualTo(rule);
      assertThat(p.js("return document.getElementById('app').hidden")).as(path).isEqualTo(true);
      // A good id clears the message.
      c.driver().findElement(By.id("signin-user")).clear();
      c.driver().findElement(By.id("signin-user")).sendKeys("a.b_c@d-e");
      assertThat(p.js("return document.getElementById('signin-user').validity.valid")).as(path).isEqualTo(true);
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void everyPageLinksTheOthersAndSharesOneLookAndIcon() {
    Chromium c = Chromium.start();
    browsers.add(c);
    ChatPage p = new ChatPage(c.driver(), base, "nav");
    String look = null;
    for (String path : List.of("/", "/call", "/room", "/live")) {
      c.driver().get(base + path);
      List<Object> links = (List<Object>) p.js("return [...document.querySelectorAll('nav.site-nav a')]"
          + ".map((a) => new URL(a.href).pathname)");
      assertThat(links).as(path).contains("/", "/call", "/room", "/live");
      assertThat(p.js("return new URL(document.querySelector('nav.site-nav a[aria-current=page]').href).pathname"))
          .as(path).isEqualTo(path);
      // One stylesheet for all: the nav looks the same everywhere.
      assertThat(p.js("return [...document.styleSheets].some((s) => s.href && s.href.endsWith('/css/parley.css'))"))
          .as(path).isEqualTo(true);
      String navLook = (String) p.js("const s = getComputedStyle(document.querySelector('nav.site-nav'));"
          + " return [s.backgroundColor, s.height, s.fontFamily].join(' | ')");
      if (look == null) {
        look = navLook;
      }
      assertThat(navLook).as(path).isEqualTo(look);
      assertThat(p.js("return getComputedStyle(document.body).backgroundColor")).as(path).isEqualTo("rgb(244, 245, 247)");
      // The icon exists and is an image.
      c.driver().manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
      Object icon = c.driver().executeAsyncScript("const done = arguments[arguments.length - 1];"
          + " const l = document.querySelector('link[rel=icon]'); if (!l) { done('no icon link'); return; }"
          + " fetch(l.href).then((r) => done(r.status + ' ' + r.headers.get('content-type')), (e) => done(String(e)));");
      assertThat(icon).as(path).isEqualTo("200 image/svg+xml");
    }
    // Following a link gets there.
    c.driver().get(base + "/");
    c.driver().findElement(By.cssSelector("nav.site-nav a[href='/live']")).click();
    await().until(() -> "Parley live".equals(c.driver().getTitle()));
    c.driver().findElement(By.cssSelector("nav.site-nav a[href='/call']")).click();
    await().until(() -> "Parley call".equals(c.driver().getTitle()));
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
