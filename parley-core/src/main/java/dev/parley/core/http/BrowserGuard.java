package dev.parley.core.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpUtil;
import java.util.Locale;

/**
 * For routes that a page of another site must never reach (the admin API, the dev login): a
 * browser request must come from the server's own pages or an allowed origin, and its body must be
 * JSON, which a page can only send after a CORS preflight. Requests with no sign of a browser
 * (curl, SDKs, backends) pass; their body must still parse as JSON where the route reads one.
 */
public final class BrowserGuard {
  private BrowserGuard() {}

  /** Wraps {@code handler} so it runs only for requests that pass {@link #check(HttpExchange)}. */
  public static HttpHandler require(HttpHandler handler) {
    return exchange -> {
      check(exchange);
      handler.handle(exchange);
    };
  }

  /** Throws 403 for a page of a refused origin, 415 for a browser's body that is not JSON. */
  public static void check(HttpExchange exchange) {
    if (!exchange.origin().permitted()) {
      throw ApiException.originRefused(exchange.header(HttpHeaderNames.ORIGIN));
    }
    if (exchange.fromBrowser() && exchange.body().length > 0 && !isJson(exchange.header(HttpHeaderNames.CONTENT_TYPE))) {
      throw ApiException.notJson();
    }
  }

  static boolean isJson(String contentType) {
    if (contentType == null) {
      return false;
    }
    String mime = HttpUtil.getMimeType(contentType) == null ? "" : HttpUtil.getMimeType(contentType).toString();
    mime = mime.trim().toLowerCase(Locale.ROOT);
    return mime.equals("application/json") || mime.startsWith("application/") && mime.endsWith("+json");
  }
}
