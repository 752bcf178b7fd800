package dev.parley.it.web;

import java.util.List;
import java.util.Map;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;

/**
 * The JavaScript SDK loaded into a browser page from the server ({@code /js/parley.js}), with
 * clients the test creates by name; every event a client emits is logged for the test to read.
 */
final class SdkPage {
  private final JavascriptExecutor js;

  SdkPage(WebDriver driver, String base) {
    this.js = (JavascriptExecutor) driver;
    driver.get(base + "/index.html");
    Object r = js.executeAsyncScript("const done = arguments[arguments.length - 1];"
        + "import('/js/parley.js').then((P) => { window.P = P; window.clients = {}; window.logs = {}; done('ok'); },"
        + " (e) => done('import failed: ' + e));");
    if (!"ok".equals(r)) {
      throw new IllegalStateException(String.valueOf(r));
    }
  }

  /** Creates client {@code name} for {@code user} on {@code deviceId}, logs in with dev login, returns the session id. */
  String login(String name, String user, String deviceId) {
    Object r = js.executeAsyncScript("const [name, user, deviceId, done] = arguments;"
        + "const c = new P.ParleyClient({ deviceId });"
        + "const log = window.logs[name] = [];"
        + "for (const e of ['state','message','receipt','presence','typing','kicked','sent','failed','recall','synced','login','error'])"
        + "  c.on(e, (v) => log.push([e, JSON.parse(JSON.stringify(v, (k, x) => x instanceof Uint8Array ? [...x] : x))]));"
        + "window.clients[name] = c;"
        + "c.login(() => P.devLogin(user)).then((s) => done(s.sessionId), (e) => done('login failed: ' + e.code));",
        name, user, deviceId);
    return (String) r;
  }

  /** Calls {@code client.send({to, text})} without waiting; returns the client id. */
  String send(String name, String to, String text) {
    return (String) js.executeScript("return window.clients[arguments[0]].send({ to: arguments[1], text: arguments[2] }).clientId;",
        name, to, text);
  }

  String state(String name) {
    return (String) js.executeScript("return window.clients[arguments[0]].state;", name);
  }

  /** The values of one event kind a client emitted, in order. */
  @SuppressWarnings("unchecked")
  List<Map<String, Object>> events(String name, String event) {
    return (List<Map<String, Object>>) js.executeScript("return (window.logs[arguments[0]] || [])"
        + ".filter(([e]) => e === arguments[1]).map(([, v]) => v);", name, event);
  }

  /** "conversation#seq:text" of every message a client handed over, in order. */
  @SuppressWarnings("unchecked")
  List<String> messages(String name) {
    return (List<String>) js.executeScript("return (window.logs[arguments[0]] || []).filter(([e]) => e === 'message')"
        + ".map(([, m]) => m.conversation + '#' + m.seq + ':' + m.text);", name);
  }

  /** Runs {@code body} as an async function in the page; its result must be an object (a failure fails the test). */
  @SuppressWarnings("unchecked")
  Map<String, Object> evalAsync(String body) {
    Map<String, Object> m = (Map<String, Object>) js.executeAsyncScript("const done = arguments[arguments.length - 1];"
        + "(async () => {" + body + "})().then((v) => done({ ok: v }), (e) => done({ error: String(e.code || '') + ' ' + e }));");
    if (m.containsKey("error")) {
      throw new AssertionError("script failed: " + m.get("error"));
    }
    return (Map<String, Object>) m.get("ok");
  }

  Object eval(String script, Object... args) {
    return js.executeScript(script, args);
  }
}
