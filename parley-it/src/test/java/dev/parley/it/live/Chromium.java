package dev.parley.it.live;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Headless Debian Chromium driven over the DevTools protocol (one page). */
final class Chromium implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Proc proc;
  private final Path profile;
  private final WebSocket ws;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();

  private Chromium(Proc proc, Path profile, WebSocket ws) {
    this.proc = proc;
    this.profile = profile;
    this.ws = ws;
  }

  static Chromium open(String url) throws Exception {
    Path profile = Files.createTempDirectory("parley-chromium-");
    Proc p = Proc.start(List.of("/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
        "--autoplay-policy=no-user-gesture-required", "--remote-debugging-address=127.0.0.1",
        "--remote-debugging-port=0", "--user-data-dir=" + profile, url));
    try {
      String[] devtools = new String[1];
      org.awaitility.Awaitility.await("DevTools of chromium").atMost(Duration.ofSeconds(30)).until(() -> {
        if (!p.process.isAlive()) {
          throw new IllegalStateException("chromium exited: " + p.errText());
        }
        for (String line : p.err) {
          int i = line.indexOf("ws://");
          if (line.contains("DevTools listening on") && i >= 0) {
            devtools[0] = line.substring(i);
          }
        }
        return devtools[0] != null;
      });
      URI browser = URI.create(devtools[0]);
      HttpClient http = HttpClient.newHttpClient();
      String[] page = new String[1];
      org.awaitility.Awaitility.await("a page target").atMost(Duration.ofSeconds(30)).until(() -> {
        JsonNode list = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + browser.getPort()
            + "/json/list")).build(), HttpResponse.BodyHandlers.ofString()).body());
        for (JsonNode t : list) {
          if (t.path("type").asText().equals("page")) {
            page[0] = t.path("webSocketDebuggerUrl").asText();
          }
        }
        return page[0] != null;
      });
      String pageWs = page[0];
      Chromium[] self = new Chromium[1];
      WebSocket ws = http.newWebSocketBuilder().buildAsync(URI.create(pageWs), new WebSocket.Listener() {
        private final StringBuilder buf = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
          buf.append(data);
          if (last) {
            String msg = buf.toString();
            buf.setLength(0);
            self[0].onMessage(msg);
          }
          w.request(1);
          return null;
        }
      }).get(10, TimeUnit.SECONDS);
      self[0] = new Chromium(p, profile, ws);
      return self[0];
    } catch (Exception | Error e) {
      p.close();
      throw e;
    }
  }

  private void onMessage(String msg) {
    try {
      JsonNode n = JSON.readTree(msg);
      if (n.has("id")) {
        CompletableFuture<JsonNode> f = pending.remove(n.path("id").asInt());
        if (f != null) {
          f.complete(n);
        }
      }
    } catch (IOException e) {
      // not ours
    }
  }

  JsonNode call(String method, Map<String, Object> params) throws Exception {
    int id = ids.incrementAndGet();
    ObjectNode req = JSON.createObjectNode();
    req.put("id", id).put("method", method).set("params", JSON.valueToTree(params));
    CompletableFuture<JsonNode> f = new CompletableFuture<>();
    pending.put(id, f);
    ws.sendText(JSON.writeValueAsString(req), true).get(10, TimeUnit.SECONDS);
    return f.get(30, TimeUnit.SECONDS);
  }

  /** Evaluates a JavaScript expression in the page; its value. */
  JsonNode eval(String expression) throws Exception {
    return call("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true))
        .path("result").path("result").path("value");
  }

  void navigate(String url) throws Exception {
    call("Page.navigate", Map.of("url", url));
  }

  String log() {
    return proc.errText();
  }

  @Override
  public void close() throws Exception {
    try {
      ws.abort();
    } finally {
      proc.close();
      try (var walk = Files.walk(profile)) {
        walk.sorted(java.util.Comparator.reverseOrder()).forEach(x -> x.toFile().delete());
      }
    }
  }

  static Duration timeout() {
    return Duration.ofSeconds(45);
  }
}
