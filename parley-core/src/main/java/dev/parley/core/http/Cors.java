package dev.parley.core.http;

import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

/**
 * CORS answers: a page of an allowed origin is named in {@code Access-Control-Allow-Origin}; no
 * answer ever carries a wildcard, and pages of other origins get no CORS header at all, so their
 * browser keeps the answer from them.
 */
final class Cors {
  private static final String METHODS = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS";
  private static final String HEADERS = "Authorization, Content-Type";

  private Cors() {}

  /** The CORS headers of an ordinary answer. */
  static void answer(HttpHeaders request, OriginPolicy.Verdict verdict, HttpHeaders response) {
    // The answer depends on Origin, so a cache must not hand one origin's answer to another.
    if (!response.containsValue(HttpHeaderNames.VARY, HttpHeaderNames.ORIGIN, true)) {
      response.add(HttpHeaderNames.VARY, HttpHeaderNames.ORIGIN);
    }
    if (verdict == OriginPolicy.Verdict.ALLOWED) {
      response.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, request.get(HttpHeaderNames.ORIGIN));
    }
  }

  /** The answer to a preflight ({@code OPTIONS}) of an origin that is not refused. */
  static FullHttpResponse preflight(HttpHeaders request, OriginPolicy.Verdict verdict) {
    FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NO_CONTENT);
    r.headers().set(HttpHeaderNames.ALLOW, METHODS).set(HttpHeaderNames.CONTENT_LENGTH, 0);
    answer(request, verdict, r.headers());
    if (verdict == OriginPolicy.Verdict.ALLOWED) {
      String asked = request.get(HttpHeaderNames.ACCESS_CONTROL_REQUEST_HEADERS);
      r.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, METHODS)
          .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, asked == null || asked.isBlank() ? HEADERS : asked)
          .set(HttpHeaderNames.ACCESS_CONTROL_MAX_AGE, "600");
    }
    return r;
  }
}
