package dev.parley.live.web;

import dev.parley.core.http.ApiException;
import dev.parley.core.http.HttpExchange;
import dev.parley.core.http.HttpRouter;
import dev.parley.live.control.AccessControl;
import dev.parley.live.control.AccessRequest;
import dev.parley.live.flv.HttpFlvPlayer;
import dev.parley.live.hls.HlsService;
import dev.parley.live.stream.StreamNames;
import dev.parley.live.stream.Upstream;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.regex.Matcher;

/** The playback routes: {@code /{app}/{stream}.flv}, {@code /{app}/{stream}.m3u8} and its segments. */
public final class PlayRoutes {

  private final AccessControl access;
  private final HttpFlvPlayer flv;
  private final HlsService hls;
  private final Upstream upstream;
  private final Executor blocking;

  /**
   * Any of {@code flv} and {@code hls} may be null when that output is switched off; {@code upstream}
   * is asked for an HLS stream this node has no playlist of.
   */
  public PlayRoutes(AccessControl access, HttpFlvPlayer flv, HlsService hls, Upstream upstream, Executor blocking) {
    this.access = access;
    this.flv = flv;
    this.hls = hls;
    this.upstream = upstream;
    this.blocking = blocking;
  }

  public void register(HttpRouter router) {
    if (flv != null) {
      router.get("/{app}/{stream}.flv", this::flv);
    }
    if (hls != null) {
      router.get("/{app}/{stream}.m3u8", this::playlist);
      router.get("/{app}/{segment}.ts", this::segment);
    }
  }

  static AccessRequest request(HttpExchange ex, String protocol, String app, String stream) {
    if (!StreamNames.valid(app) || !StreamNames.valid(stream)) {
      throw ApiException.notFound("no such stream: " + app + "/" + stream);
    }
    Map<String, String> params = new LinkedHashMap<>();
    for (String k : new String[] {"key", "token"}) {
      if (ex.query(k) != null) {
        params.put(k, ex.query(k));
      }
    }
    String host = ex.header(HttpHeaderNames.HOST);
    return new AccessRequest(AccessRequest.Action.PLAY, protocol, app, stream, params, ex.remoteAddress(),
        "http://" + (host == null ? "localhost" : host) + ex.path());
  }

  private void flv(HttpExchange ex) {
    AccessRequest r = request(ex, "flv", ex.pathParam("app"), ex.pathParam("stream"));
    Channel ch = ex.channel();
    access.check(r).whenComplete((refusal, err) -> ch.eventLoop().execute(() -> {
      if (!ch.isActive()) {
        return;
      }
      if (refusal != null || err != null) {
        ex.respondError(ApiException.forbidden(refusal != null ? refusal : "access check failed"));
        return;
      }
      flv.start(ex, r);
    }));
  }

  private void playlist(HttpExchange ex) {
    String app = ex.pathParam("app");
    String name = ex.pathParam("stream");
    AccessRequest r = request(ex, "hls", app, name);
    String client = r.remote().getAddress().getHostAddress() + "|" + r.params() + "|"
        + ex.header(HttpHeaderNames.USER_AGENT);
    if (hls.known(r.key(), client)) {
      String refusal = access.localCheck(r);
      if (refusal != null) {
        throw ApiException.forbidden(refusal);
      }
      answerPlaylist(ex, r, client);
      return;
    }
    Channel ch = ex.channel();
    access.check(r).whenComplete((refusal, err) -> ch.eventLoop().execute(() -> {
      if (refusal != null || err != null) {
        ex.respondError(ApiException.forbidden(refusal != null ? refusal : "access check failed"));
        return;
      }
      answerPlaylist(ex, r, client);
    }));
  }

  private void answerPlaylist(HttpExchange ex, AccessRequest r, String client) {
    String text = hls.playlist(r.app(), r.stream());
    if (text == null) {
      // Published on another node? This node starts pulling it; the player's next try finds segments.
      upstream.wanted(r.app(), r.stream());
      ex.respondError(ApiException.notFound("no HLS playlist for " + r.key() + " (not live, or no segment yet)"));
      return;
    }
    hls.touch(r.key(), client);
    String query = queryOf(r.params());
    if (!query.isEmpty()) {
      // Players do not carry the playlist's query over to segments; the token must go along.
      text = text.replaceAll("(?m)^([^#].*\\.ts)$", "$1" + Matcher.quoteReplacement(query));
    }
    FullHttpResponse resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
        Unpooled.wrappedBuffer(text.getBytes(StandardCharsets.UTF_8)));
    resp.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/vnd.apple.mpegurl")
        .set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
    ex.respond(resp);
  }

  private static String queryOf(Map<String, String> params) {
    StringBuilder b = new StringBuilder();
    params.forEach((k, v) -> b.append(b.length() == 0 ? '?' : '&').append(k).append('=')
        .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
    return b.toString();
  }

  private void segment(HttpExchange ex) {
    String seg = ex.pathParam("segment");
    int dash = seg.lastIndexOf('-');
    long sequence;
    try {
      sequence = dash > 0 ? Long.parseLong(seg.substring(dash + 1)) : -1;
    } catch (NumberFormatException e) {
      sequence = -1;
    }
    if (sequence < 0) {
      throw ApiException.notFound("no such segment: " + seg);
    }
    AccessRequest r = request(ex, "hls", ex.pathParam("app"), seg.substring(0, dash));
    String refusal = access.localCheck(r);
    if (refusal != null) {
      throw ApiException.forbidden(refusal);
    }
    Path file = hls.segment(r.app(), r.stream(), sequence);
    if (file == null) {
      throw ApiException.notFound("segment " + seg + " is not in the playlist");
    }
    Channel ch = ex.channel();
    blocking.execute(() -> {
      byte[] bytes;
      try {
        bytes = Files.readAllBytes(file);
      } catch (IOException e) {
        ch.eventLoop().execute(() -> ex.respondError(ApiException.notFound("segment " + seg + " is gone")));
        return;
      }
      FullHttpResponse resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
          Unpooled.wrappedBuffer(bytes));
      resp.headers().set(HttpHeaderNames.CONTENT_TYPE, "video/mp2t");
      ch.eventLoop().execute(() -> ex.respond(resp));
    });
  }
}
