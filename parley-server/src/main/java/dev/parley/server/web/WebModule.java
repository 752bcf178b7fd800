package dev.parley.server.web;

import dev.parley.core.config.ConfigKey;
import dev.parley.core.http.HttpRouter;
import dev.parley.core.spi.ParleyModule;
import dev.parley.core.spi.ServerContext;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the web chat page at {@code /}, the call and room pages, the JavaScript SDK at
 * {@code /js/parley.js}, the stylesheet every page shares ({@code /css/parley.css}, which the
 * live module's player page links too) and the icon {@code /favicon.svg}, from the class path.
 * Only explicit paths are routed ({@code /}, {@code /index.html}, {@code /call}, {@code /room},
 * {@code /favicon.svg}, {@code /js/*.js}, {@code /css/*.css}, {@code /chat/*.js},
 * {@code /chat/*.css}, {@code /rtc/*.js}), so the other modules' paths
 * ({@code /im}, {@code /api/**}, {@code /live}, {@code /{app}/{stream}.flv}, ...) stay theirs.
 */
public final class WebModule implements ParleyModule {
  private static final Logger log = LoggerFactory.getLogger(WebModule.class);
  /** Where the page and the SDK sit on the class path. */
  static final String ROOT = "parley-web/";

  public static final ConfigKey<Boolean> ENABLED = ConfigKey.bool("web.enabled", true,
      "Serve the web chat page at /, the call and room pages at /call and /room, and the JavaScript SDK at "
          + "/js/. Switch off when the server "
          + "should expose only its APIs.");

  @Override
  public String name() {
    return "web";
  }

  @Override
  public int order() {
    return 900;
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return List.of(ENABLED);
  }

  @Override
  public void start(ServerContext ctx) {
    if (!ctx.config().get(ENABLED)) {
      return;
    }
    StaticResources files = new StaticResources(WebModule.class.getClassLoader(), ROOT, ctx.blocking());
    HttpRouter http = ctx.http();
    http.get("/", ex -> files.serve(ex, "index.html"));
    http.get("/index.html", ex -> files.serve(ex, "index.html"));
    http.get("/call", ex -> files.serve(ex, "call.html"));
    http.get("/room", ex -> files.serve(ex, "room.html"));
    // Every page (the live player's too) links this icon and /css/parley.css, the shared look.
    http.get("/favicon.svg", ex -> files.serve(ex, "favicon.svg"));
    // One pattern per folder and file type, never "/js/**": a live app may be called "js" or
    // "chat", and its /{app}/{stream}.flv and .m3u8 must still reach the live module.
    for (String[] route : new String[][] {{"js", "js"}, {"css", "css"}, {"chat", "js"}, {"chat", "css"}, {"rtc", "js"}}) {
      String dir = route[0];
      String ext = "." + route[1];
      http.get("/" + dir + "/{file}" + ext, ex -> files.serve(ex, dir + "/" + ex.pathParam("file") + ext));
    }
    log.info("web chat page at /, call page at /call, room page at /room, JavaScript SDK at /js/parley.js");
  }
}
