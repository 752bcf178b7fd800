package dev.parley.files.tus;

import dev.parley.core.http.ApiException;
import dev.parley.core.http.HttpExchange;
import dev.parley.core.http.Json;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.Map;

/** The answers of the tus endpoints: each carries Tus-Resumable and lets a page of an allowed origin read tus's headers. */
final class Tus {
  static final String RESUMABLE = "Tus-Resumable";
  /** The headers a browser page must be let read (CORS): a tus client needs them all. */
  private static final String EXPOSED = "Location, Upload-Offset, Upload-Length, Upload-Metadata, Upload-Expires, "
      + "Tus-Resumable, Tus-Version, Tus-Extension, Tus-Max-Size, Tus-Checksum-Algorithm, Parley-File-Id";

  private Tus() {}

  static FullHttpResponse response(HttpResponseStatus status) {
    FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.EMPTY_BUFFER);
    r.headers().set(RESUMABLE, TusHeaders.VERSION).set(HttpHeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, EXPOSED);
    return r;
  }

  static void answerError(HttpExchange ex, ApiException e) {
    byte[] body = Json.bytes(Map.of("code", e.code(), "message", String.valueOf(e.getMessage())));
    FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, e.status(), Unpooled.wrappedBuffer(body));
    r.headers().set(RESUMABLE, TusHeaders.VERSION).set(HttpHeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, EXPOSED)
        .set(HttpHeaderNames.CONTENT_TYPE, "application/json");
    if (e.status().code() == 412) {
      r.headers().set("Tus-Version", TusHeaders.VERSION);
    }
    ex.respond(r);
  }
}
