package dev.parley.it.rtc;

import static org.awaitility.Awaitility.await;

import dev.parley.it.web.Chromium;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;

/** The call page (/call) or room page (/room) in a headless Chromium with a fake camera and microphone. */
final class CallPage implements AutoCloseable {
  /** Chromium's fake devices: a generated video pattern and a beep, granted without a prompt. */
  static final String[] FAKE_MEDIA = {"--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
      "--autoplay-policy=no-user-gesture-required"};

  private final Chromium chromium;
  private final WebDriver driver;
  private final JavascriptExecutor js;

  CallPage(String url) {
    this(url, 0, 0);
  }

  /** The page in a window of {@code width} x {@code height} (0: the fixture's default size). */
  CallPage(String url, int width, int height) {
    this.chromium = Chromium.start(FAKE_MEDIA);
    this.driver = chromium.driver();
    this.js = (JavascriptExecutor) driver;
    if (width > 0) {
      driver.manage().window().setSize(new Dimension(width, height));
    }
    driver.get(url);
  }

  /**
   * The ids among {@code ids} whose element is not wholly inside the viewport (or not shown at all),
   * each with its rectangle and the viewport's size; empty when all are inside. Read in one step.
   */
  List<String> outsideViewport(String... ids) {
    List<?> out = (List<?>) js.executeScript("return arguments[0].map((id) => {"
        + " const e = document.getElementById(id); if (!e) return id + ': missing';"
        + " const r = e.getBoundingClientRect();"
        + " const inside = r.width > 0 && r.height > 0 && r.top >= 0 && r.left >= 0"
        + "  && r.bottom <= innerHeight && r.right <= innerWidth;"
        + " return inside ? null : `${id}: ${JSON.stringify(r)} in ${innerWidth}x${innerHeight}`;"
        + "}).filter((x) => x)", List.of(ids));
    return out.stream().map(String.class::cast).toList();
  }

  /**
   * Clicks the first element matching {@code css}. Lists such as the contacts are redrawn when presence
   * changes, so an element found just before a redraw is found again instead of failing the test.
   */
  void click(String css) {
    await().ignoreException(StaleElementReferenceException.class).until(() -> {
      driver.findElement(By.cssSelector(css)).click();
      return true;
    });
  }

  /** Presses the button with this id from inside the page (it is not redrawn, and no pointer is needed). */
  void press(String id) {
    js.executeScript("document.getElementById(arguments[0]).click()", id);
  }

  boolean visible(String id) {
    return driver.findElement(By.id(id)).isDisplayed();
  }

  /** Whether an element with this id is in the page at all. */
  boolean present(String id) {
    return Boolean.TRUE.equals(js.executeScript("return !!document.getElementById(arguments[0])", id));
  }

  String text(String id) {
    return driver.findElement(By.id(id)).getText();
  }

  Object eval(String script, Object... args) {
    return js.executeScript(script, args);
  }

  /** Runs an async script (its callback is the last argument) with a 30 s limit. */
  Object evalAsync(String script, Object... args) {
    driver.manage().timeouts().scriptTimeout(java.time.Duration.ofSeconds(30));
    return js.executeAsyncScript(script, args);
  }

  /**
   * What getStats says about a peer connection ({@code pcExpr} evaluates to it): the selected pair's
   * local candidate (type, address, port, url), and inbound video bytes.
   */
  @SuppressWarnings("unchecked")
  Map<String, Object> stats(String pcExpr) {
    return (Map<String, Object>) js.executeAsyncScript("const done = arguments[arguments.length - 1];"
        + "(async () => { const pc = " + pcExpr + "; if (!pc) return { none: true };"
        + " const r = await pc.getStats(); const all = new Map(); r.forEach((s) => all.set(s.id, s));"
        + " let pair = null; let bytes = 0;"
        + " for (const s of all.values()) {"
        + "  if (s.type === 'transport' && s.selectedCandidatePairId) pair = all.get(s.selectedCandidatePairId);"
        + "  if (s.type === 'inbound-rtp' && s.kind === 'video') bytes += s.bytesReceived || 0; }"
        + " if (!pair) for (const s of all.values()) if (s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded') pair = s;"
        + " const local = pair ? all.get(pair.localCandidateId) : null;"
        + " return { connection: pc.connectionState, bytes, type: local?.candidateType || '', address: local?.address || local?.ip || '',"
        + "  port: local?.port || 0, url: local?.url || '', relayProtocol: local?.relayProtocol || '' };"
        + "})().then(done, (e) => done({ error: String(e) }));");
  }

  @Override
  public void close() {
    chromium.close();
  }
}
