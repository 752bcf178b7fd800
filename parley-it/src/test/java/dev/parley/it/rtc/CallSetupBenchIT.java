package dev.parley.it.rtc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.core.testing.TestKernel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Call setup time in Chromium (docs/BENCHMARKS.md, "Call setup"): on the call page, from the click
 * on Call to the caller's peer connection "connected" and to the first remote video frame, with
 * the callee's page accepting as soon as it rings. A measurement, not a test: it runs only with
 * {@code -Dparley.bench.calls=N} (N measured calls per ICE policy, after 3 warm-up calls).
 */
class CallSetupBenchIT {
  private static final Logger log = LoggerFactory.getLogger(CallSetupBenchIT.class);

  @Test
  void callSetupTime() {
    int n = Integer.getInteger("parley.bench.calls", 0);
    Assumptions.assumeTrue(n > 0, "set -Dparley.bench.calls=20 to measure");
    List<String> lines = new ArrayList<>();
    for (String policy : List.of("all", "relay")) {
      try (TestKernel server = CallPageIT.server()) {
        String q = "relay".equals(policy) ? "&relay=1" : "";
        try (CallPage alice = new CallPage(server.httpBase() + "/call?user=alice&contacts=bob" + q);
            CallPage bob = new CallPage(server.httpBase() + "/call?user=bob" + q)) {
          await().atMost(Duration.ofSeconds(30)).until(() -> "ready".equals(alice.text("status"))
              && "ready".equals(bob.text("status")) && (Boolean) alice.eval(
                  "return !!document.querySelector('#contacts li.online[data-user=bob]')"));
          bob.eval("window.parleyCall.client.on('callRing', () => setTimeout(() => document.getElementById('accept').click(), 0));");
          List<Double> connected = new ArrayList<>();
          List<Double> frame = new ArrayList<>();
          for (int i = 0; i < n + 3; i++) {
            Map<String, Object> r = oneCall(alice);
            if (i >= 3) {
              connected.add(((Number) r.get("connected")).doubleValue());
              frame.add(((Number) r.get("frame")).doubleValue());
            }
            alice.click("#hangup");
            await().atMost(Duration.ofSeconds(10)).until(() -> bob.text("status").startsWith("call ended")
                && alice.text("status").startsWith("call ended"));
          }
          String line = String.format(Locale.ROOT, "policy=%s calls=%d connected p50=%.0f ms p90=%.0f min=%.0f max=%.0f"
              + " | first remote frame p50=%.0f ms p90=%.0f min=%.0f max=%.0f", policy, n,
              pct(connected, 50), pct(connected, 90), pct(connected, 0), pct(connected, 100),
              pct(frame, 50), pct(frame, 90), pct(frame, 0), pct(frame, 100));
          log.info("call setup: {}", line);
          lines.add(line);
        }
      }
    }
    assertThat(lines).hasSize(2);
    lines.forEach(l -> System.out.println("CALL-SETUP " + l));
  }

  /** Clicks Call on the caller's page and times it in the page (performance.now()). */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> oneCall(CallPage alice) {
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
      throw new AssertionError(r.get("error"));
    }
    return r;
  }

  private static double pct(List<Double> values, int p) {
    List<Double> sorted = values.stream().sorted().toList();
    int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
  }
}
