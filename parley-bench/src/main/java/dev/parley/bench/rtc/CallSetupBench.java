package dev.parley.bench.rtc;

import dev.parley.bench.ServerProcess;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Call setup time in Chromium (docs/BENCHMARKS.md, "Call setup"): on the call page, from the click
 * on Call to the caller's peer connection "connected" and to the first remote video frame, with
 * the callee's page accepting as soon as it rings; for ICE policy "all" (direct) and "relay"
 * (through Parley's TURN). Runs the server from {@code parley-server/target/parley.jar} and the
 * system's headless Chromium with fake devices.
 *
 * <p>{@code CallSetupBench [calls] [http-port]}: calls measured per policy after 3 warm-up calls
 * (20), the server's HTTP port (18480).
 */
public final class CallSetupBench {
  private static final String CHROMIUM = System.getProperty("parley.chromium", "/usr/bin/chromium");
  private static final String CHROMEDRIVER = System.getProperty("parley.chromedriver", "/usr/bin/chromedriver");
  private static final int WARMUP = 3;

  private CallSetupBench() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    int port = args.length > 1 ? Integer.parseInt(args[1]) : 18480;
    List<String> flags = List.of("--rtc.turn.allowed-peers=127.0.0.0/8", "--rtc.turn.udp.host=127.0.0.1",
        "--rtc.turn.relay-ip=127.0.0.1", "--rtc.ice.public-host=127.0.0.1");
    for (String policy : List.of("all", "relay")) {
      try (ServerProcess server = ServerProcess.start(List.of("-Xmx1g"), port, flags)) {
        String base = "http://127.0.0.1:" + port;
        String q = "relay".equals(policy) ? "&relay=1" : "";
        try (Page alice = new Page(base + "/call?user=alice&contacts=bob" + q); Page bob = new Page(base + "/call?user=bob" + q)) {
          waitUntil(Duration.ofSeconds(30), () -> "ready".equals(alice.text("status")) && "ready".equals(bob.text("status"))
              && (Boolean) alice.eval("return !!document.querySelector('#contacts li.online[data-user=bob]')"));
          bob.eval("window.parleyCall.client.on('callRing', () => setTimeout(() => document.getElementById('accept').click(), 0));");
          List<Double> connected = new ArrayList<>();
          List<Double> frame = new ArrayList<>();
          for (int i = 0; i < n + WARMUP; i++) {
            Map<String, Object> r = oneCall(alice);
            if (i >= WARMUP) {
              connected.add(((Number) r.get("connected")).doubleValue());
              frame.add(((Number) r.get("frame")).doubleValue());
            }
            alice.click("#hangup");
            waitUntil(Duration.ofSeconds(10), () -> bob.text("status").startsWith("call ended")
                && alice.text("status").startsWith("call ended"));
          }
          System.out.printf(Locale.ROOT, "CALL-SETUP policy=%s calls=%d connected p50=%.0f ms p90=%.0f min=%.0f max=%.0f"
              + " | first remote frame p50=%.0f ms p90=%.0f min=%.0f max=%.0f%n", policy, n,
              pct(connected, 50), pct(connected, 90), pct(connected, 0), pct(connected, 100),
              pct(frame, 50), pct(frame, 90), pct(frame, 0), pct(frame, 100));
        }
      }
    }
  }

  /** Clicks Call on the caller's page and times it in the page (performance.now()). */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> oneCall(Page alice) {
    Map<String, Object> r = (Map<String, Object>) alice.evalAsync(
        "const done = arguments[arguments.length - 1]; const st = window.parleyCall;"
        + "const remote = document.getElementById('remote');"
        + "const t0 = performance.now(); let connected = 0; let frame = 0;"
        + "const finish = () => { if (connected && frame) done({ connected: connected - t0, frame: frame - t0 }); };"
        + "document.querySelector('#contacts li[data-user=bob] button.call').click();"
        + "const waitPc = () => { const pc = st.call && st.call.pc; if (!pc) return setTimeout(waitPc, 1);"
        + "  const check = () => { if (!connected && pc.connectionState === 'connected') { connected = performance.now(); finish(); } };"
        + "  pc.addEventListener('connectionstatechange', check); check();"
        + "  const onFrame = () => { if (!frame) { frame = performance.now(); finish(); } };"
        + "  if (remote.requestVideoFrameCallback) remote.requestVideoFrameCallback(onFrame);"
        + "  else remote.addEventListener('loadeddata', onFrame, { once: true }); };"
        + "waitPc(); setTimeout(() => done({ error: 'no connection within 20 s' }), 20000);");
    if (r.containsKey("error")) {
      throw new IllegalStateException(String.valueOf(r.get("error")));
    }
    return r;
  }

  static double pct(List<Double> values, int p) {
    List<Double> sorted = values.stream().sorted().toList();
    int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
  }

  private static void waitUntil(Duration limit, BooleanSupplier done) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the pages did not get there within " + limit);
      }
      Thread.sleep(20);
    }
  }

  /** One page in a fresh headless Chromium with fake camera and microphone, granted without a prompt. */
  private static final class Page implements AutoCloseable {
    private final Path profile;
    private final ChromeDriver driver;

    Page(String url) throws IOException {
      profile = Files.createTempDirectory("parley-bench-chromium-");
      ChromeOptions options = new ChromeOptions();
      options.setBinary(CHROMIUM);
      options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
          "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
          "--window-size=1200,800", "--user-data-dir=" + profile, "--use-fake-ui-for-media-stream",
          "--use-fake-device-for-media-stream", "--autoplay-policy=no-user-gesture-required");
      driver = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER))
          .usingAnyFreePort().build(), options);
      driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
      driver.get(url);
    }

    String text(String id) {
      return driver.findElement(By.id(id)).getText();
    }

    void click(String css) {
      driver.findElement(By.cssSelector(css)).click();
    }

    Object eval(String script) {
      return ((JavascriptExecutor) driver).executeScript(script);
    }

    Object evalAsync(String script) {
      return ((JavascriptExecutor) driver).executeAsyncScript(script);
    }

    @Override
    public void close() {
      try {
        driver.quit();
      } finally {
        try (Stream<Path> walk = Files.walk(profile)) {
          walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
          // a leftover profile in the temp directory does no harm
        }
      }
    }
  }
}
