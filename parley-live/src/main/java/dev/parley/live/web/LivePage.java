package dev.parley.live.web;

import dev.parley.core.http.ApiException;
import dev.parley.core.http.HttpExchange;
import dev.parley.core.http.HttpRouter;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Properties;
import java.util.function.IntSupplier;

/**
 * The player page at {@code /live} and its scripts under {@code /assets/live/}: hls.js from its
 * WebJar, mpegts.js from the npm package the build unpacks next to the page. Both are read from
 * the class path once, at start. {@code /live/config.json} tells the page what it cannot know
 * from its own address: the RTMP port, for the publish hint. The page links the look every
 * Parley page shares ({@code /css/parley.css}, {@code /favicon.svg}, served by the web module).
 */
public final class LivePage {
  private final Map<String, byte[]> assets;
  private final byte[] page;
  private final IntSupplier rtmpPort;

  /** {@code rtmpPort} gives the port the RTMP listener is bound to (asked per request: known after start). */
  public LivePage(IntSupplier rtmpPort) {
    this.rtmpPort = rtmpPort;
    page = resource("parley-live/live.html");
    String hlsVersion = webJarVersion("hls.js");
    assets = Map.of(
        "hls.min.js", resource("META-INF/resources/webjars/hls.js/" + hlsVersion + "/dist/hls.min.js"),
        "mpegts.js", resource("parley-live/assets/mpegts.js"));
  }

  public void register(HttpRouter router) {
    router.get("/live", ex -> send(ex, page, "text/html; charset=utf-8"));
    router.get("/live/config.json", ex -> ex.respondJson(HttpResponseStatus.OK, Map.of("rtmpPort", rtmpPort.getAsInt())));
    router.get("/assets/live/{file}", ex -> {
      byte[] b = assets.get(ex.pathParam("file"));
      if (b == null) {
        throw ApiException.notFound("no such asset");
      }
      send(ex, b, "application/javascript; charset=utf-8");
    });
  }

  private static void send(HttpExchange ex, byte[] body, String type) {
    FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
        Unpooled.wrappedBuffer(body));
    r.headers().set(HttpHeaderNames.CONTENT_TYPE, type).set(HttpHeaderNames.CACHE_CONTROL, "max-age=300");
    ex.respond(r);
  }

  private static String webJarVersion(String artifact) {
    Properties p = new Properties();
    try (InputStream in = LivePage.class.getClassLoader()
        .getResourceAsStream("META-INF/maven/org.webjars.npm/" + artifact + "/pom.properties")) {
      if (in == null) {
        throw new IllegalStateException("WebJar " + artifact + " is not on the class path");
      }
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p.getProperty("version");
  }

  private static byte[] resource(String path) {
    try (InputStream in = LivePage.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("resource " + path + " is missing from the class path");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
