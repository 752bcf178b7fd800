package dev.parley.server.web;

import dev.parley.core.http.ApiException;
import dev.parley.core.http.HttpExchange;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Files under one class path folder, answered with their content type, an ETag and
 * {@code Cache-Control: no-cache} (browsers keep them and revalidate, so a new server version is
 * picked up at once). A file is read once, off the event loop, then served from memory.
 */
final class StaticResources {
  private static final Logger log = LoggerFactory.getLogger(StaticResources.class);
  /** One path segment: no leading dot (so no "..", no hidden files), no separators, no escapes. */
  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}");
  private static final int MAX_DEPTH = 8;
  private static final Map<String, String> TYPES = Map.ofEntries(
      Map.entry("html", "text/html; charset=utf-8"),
      Map.entry("js", "text/javascript; charset=utf-8"),
      Map.entry("mjs", "text/javascript; charset=utf-8"),
      Map.entry("css", "text/css; charset=utf-8"),
      Map.entry("json", "application/json"),
      Map.entry("map", "application/json"),
      Map.entry("txt", "text/plain; charset=utf-8"),
      Map.entry("svg", "image/svg+xml"),
      Map.entry("png", "image/png"),
      Map.entry("ico", "image/x-icon"),
      Map.entry("woff2", "font/woff2"));
  /** The page loads only its own scripts and styles and talks only to its own server. */
  private static final String CSP = "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; "
      + "object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

  private final ClassLoader loader;
  private final String root;
  private final Executor blocking;
  /** Only files that exist are kept, so the map is bounded by what the jar holds. */
  private final Map<String, Resource> cache = new ConcurrentHashMap<>();

  record Resource(byte[] content, String contentType, String etag) {}

  StaticResources(ClassLoader loader, String root, Executor blocking) {
    this.loader = loader;
    this.root = root;
    this.blocking = blocking;
  }

  /** Answers the file at {@code path} (relative to the root), or 404. */
  void serve(HttpExchange ex, String path) {
    String type = contentType(path);
    if (type == null || !isSafe(path)) {
      throw ApiException.notFound("no such file: " + ex.path());
    }
    Resource cached = cache.get(path);
    if (cached != null) {
      answer(ex, cached);
      return;
    }
    try {
      blocking.execute(() -> {
        try {
          Resource r = load(path, type);
          if (r == null) {
            ex.respondError(ApiException.notFound("no such file: " + ex.path()));
          } else {
            cache.putIfAbsent(path, r);
            answer(ex, r);
          }
        } catch (IOException | RuntimeException e) {
          log.error("reading {}{} failed", root, path, e);
          ex.respondError(new ApiException(HttpResponseStatus.INTERNAL_SERVER_ERROR, "INTERNAL", "internal error"));
        }
      });
    } catch (RejectedExecutionException e) {
      throw new ApiException(HttpResponseStatus.SERVICE_UNAVAILABLE, "BUSY", "server busy, try again");
    }
  }

  /** Whether every segment of {@code path} is a plain name: nothing can climb out of the root. */
  static boolean isSafe(String path) {
    if (path.isEmpty() || path.length() > 512) {
      return false;
    }
    String[] segments = path.split("/", -1);
    if (segments.length > MAX_DEPTH) {
      return false;
    }
    for (String s : segments) {
      if (!SEGMENT.matcher(s).matches()) {
        return false;
      }
    }
    return true;
  }

  /** The content type for the file's extension, or null for types this server does not serve. */
  static String contentType(String path) {
    int slash = path.lastIndexOf('/');
    int dot = path.lastIndexOf('.');
    if (dot <= slash + 1) {
      return null;
    }
    return TYPES.get(path.substring(dot + 1).toLowerCase(Locale.ROOT));
  }

  private Resource load(String path, String type) throws IOException {
    try (InputStream in = loader.getResourceAsStream(root + path)) {
      if (in == null) {
        return null;
      }
      byte[] content = in.readAllBytes();
      return new Resource(content, type, etag(content));
    }
  }

  private static String etag(byte[] content) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(content);
      return "\"" + HexFormat.of().formatHex(digest, 0, 12) + "\"";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  private static void answer(HttpExchange ex, Resource r) {
    boolean fresh = matches(ex.header(HttpHeaderNames.IF_NONE_MATCH), r.etag());
    FullHttpResponse response = fresh
        ? new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_MODIFIED)
        : new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.wrappedBuffer(r.content()));
    response.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, r.contentType())
        .set(HttpHeaderNames.ETAG, r.etag())
        .set(HttpHeaderNames.CACHE_CONTROL, "no-cache")
        .set("X-Content-Type-Options", "nosniff")
        .set("Referrer-Policy", "no-referrer");
    if (r.contentType().startsWith("text/html")) {
      response.headers().set("Content-Security-Policy", CSP).set("X-Frame-Options", "DENY");
    }
    ex.respond(response);
  }

  /** If-None-Match: a list of entity tags or "*". */
  private static boolean matches(String ifNoneMatch, String etag) {
    if (ifNoneMatch == null) {
      return false;
    }
    for (String t : ifNoneMatch.split(",")) {
      String tag = t.trim();
      if (tag.startsWith("W/")) {
        tag = tag.substring(2);
      }
      if (tag.equals(etag) || tag.equals("*")) {
        return true;
      }
    }
    return false;
  }
}
