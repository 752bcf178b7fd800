package dev.parley.it.web;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

/** The web chat page in one browser, as a user sees and drives it. */
final class ChatPage {
  /** A message bubble as shown: its text, its seq (0 while pending) and, for own messages, its status. */
  record Bubble(String text, long seq, String status) {}

  private final WebDriver driver;
  private final String base;
  final String user;

  ChatPage(WebDriver driver, String base, String user) {
    this.driver = driver;
    this.base = base;
    this.user = user;
  }

  /** Opens the page and signs in with dev login; returns once the connection is online. */
  ChatPage signIn() {
    driver.get(base + "/");
    driver.findElement(By.id("signin-user")).sendKeys(user);
    driver.findElement(By.id("signin-button")).click();
    await().atMost(Duration.ofSeconds(20)).until(() -> "online".equals(connection()));
    await().until(() -> user.equals(text("me")));
    return this;
  }

  String connection() {
    return driver.findElement(By.id("conn")).getAttribute("data-state");
  }

  void startChat(String other) {
    WebElement input = driver.findElement(By.id("new-chat-user"));
    input.sendKeys(other, Keys.ENTER);
    await().until(() -> other.equals(text("chat-title")));
  }

  void createGroup(String name, String members) {
    driver.findElement(By.cssSelector("#new-group-box > summary")).click();
    driver.findElement(By.id("new-group-name")).sendKeys(name);
    driver.findElement(By.id("new-group-members")).sendKeys(members);
    driver.findElement(By.cssSelector("#new-group button[type=submit]")).click();
    await().until(() -> name.equals(text("chat-title")));
  }

  void addMembers(String users) {
    driver.findElement(By.id("add-members-users")).sendKeys(users, Keys.ENTER);
  }

  void open(String conversation) {
    // The list is redrawn whenever something arrives, so find and click in one step in the page.
    await().until(() -> Boolean.TRUE.equals(js("const li = document.querySelector(\"#conversations li[data-conversation='"
        + conversation + "']\"); if (li) li.click(); return !!li;")));
    await().until(() -> conversation.equals(js("return sessionStorage.getItem('parley:open')")));
  }

  void type(String text) {
    driver.findElement(By.id("composer-text")).sendKeys(text);
  }

  void send(String text) {
    driver.findElement(By.id("composer-text")).sendKeys(text, Keys.ENTER);
  }

  /** Conversation id to unread count, as the list shows them. */
  Map<String, Integer> unread() {
    List<?> rows = (List<?>) js("return [...document.querySelectorAll('#conversations li')]"
        + ".map(li => [li.dataset.conversation, Number(li.dataset.unread)])");
    return rows.stream().map(r -> (List<?>) r)
        .collect(Collectors.toMap(r -> (String) r.get(0), r -> ((Number) r.get(1)).intValue(), (a, b) -> a));
  }

  /**
   * The conversation list's titles, top first. Read in one step in the page: the list is redrawn whenever
   * something arrives, so elements found first and read afterwards may already be gone.
   */
  List<String> titles() {
    List<?> titles = (List<?>) js("return [...document.querySelectorAll('#conversations .title')].map(t => t.textContent)");
    return titles.stream().map(String.class::cast).toList();
  }

  /** The open conversation's message bubbles, in order. */
  List<Bubble> bubbles() {
    List<?> rows = (List<?>) js("return [...document.querySelectorAll('#messages li.msg')].map(li => ["
        + "(li.querySelector('.text') || li).textContent, Number(li.dataset.seq || 0), li.dataset.status || ''])");
    return rows.stream().map(r -> (List<?>) r)
        .map(r -> new Bubble((String) r.get(0), ((Number) r.get(1)).longValue(), (String) r.get(2))).toList();
  }

  /** The bubbles whose text is {@code text}. */
  List<Bubble> bubbles(String text) {
    return bubbles().stream().filter(b -> b.text().equals(text)).toList();
  }

  /** Whether the element is shown and wholly inside the viewport, read in one step. */
  boolean inView(String id) {
    return Boolean.TRUE.equals(js("const e = document.getElementById('" + id + "'); if (!e) return false;"
        + " const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0 && r.left >= 0 && r.top >= 0"
        + " && r.right <= innerWidth && r.bottom <= innerHeight"));
  }

  /** The element's width in CSS pixels (0 when not shown). */
  double width(String id) {
    return ((Number) js("const e = document.getElementById('" + id + "'); return e ? e.getBoundingClientRect().width : 0"))
        .doubleValue();
  }

  /** Whether the page is no wider than the window: nothing to scroll sideways to. */
  boolean noSideScroll() {
    return Boolean.TRUE.equals(js("return document.documentElement.scrollWidth <= innerWidth"
        + " && document.body.scrollWidth <= innerWidth"));
  }

  String text(String id) {
    return driver.findElement(By.id(id)).getText();
  }

  Object js(String script) {
    return ((JavascriptExecutor) driver).executeScript(script);
  }

  /** The browser console, for a failing test's report. */
  String console() {
    try {
      return driver.manage().logs().get(LogType.BROWSER).getAll().stream().map(LogEntry::toString)
          .collect(Collectors.joining("\n"));
    } catch (RuntimeException e) {
      return "(console not available: " + e.getMessage() + ")";
    }
  }
}
