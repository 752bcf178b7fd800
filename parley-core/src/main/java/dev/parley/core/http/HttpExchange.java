package dev.parley.core.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One HTTP request and its answer. The body is copied out at arrival, so a handler may answer
 * later from any thread; it answers exactly once, or takes the channel over with
 * {@link #startStreaming()} to write a streamed response itself.
 */
public final class HttpExchange {
  private final Channel channel;
  private final HttpRequest request;
  private final byte[] body;
  private final QueryStringDecoder query;
  private final Map<String, String> pathParams;
  private final boolean keepAlive;
  private final AtomicBoolean answered = new AtomicBoolean();
  private final Runnable onStreaming;
  private final OriginPolicy.Verdict origin;

  HttpExchange(Channel channel, HttpRequest request, byte[] body, Map<String, String> pathParams,
      OriginPolicy.Verdict origin, Runnable onStreaming) {
    this.channel = channel;
    this.origin = origin;
    this.request = request;
    this.body = body;
    this.query = new QueryStringDecoder(request.uri());
    this.pathParams = pathParams;
    this.keepAlive = HttpUtil.isKeepAlive(request);
    this.onStreaming = onStreaming;
  }

  public HttpMethod method() {
    return request.method();
  }

  public String path() {
    return query.path();
  }

  public HttpRequest request() {
    return request;
  }

  public String header(CharSequence name) {
    return request.headers().get(name);
  }

  /** A path parameter named in the route pattern ({@code {stream}}). */
  public String pathParam(String name) {
    return pathParams.get(name);
  }

  /** The first value of a query parameter, or null. */
  public String query(String name) {
    List<String> values = query.parameters().get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  public byte[] body() {
    return body;
  }

  /** The body as a JSON object; 400 if it is not one. */
  public JsonNode json() {
    return Json.parse(body);
  }

  public Channel channel() {
    return channel;
  }

  public InetSocketAddress remoteAddress() {
    return (InetSocketAddress) channel.remoteAddress();
  }

  /** Whether the client connects from this machine (127.0.0.0/8 or ::1). */
  public boolean isLoopback() {
    InetAddress a = remoteAddress().getAddress();
    return a != null && a.isLoopbackAddress();
  }

  /** How the request's origin was judged (whether a browser page sent it, and whose). */
  public OriginPolicy.Verdict origin() {
    return origin;
  }

  /** Whether a browser sent the request (it carries Origin or Sec-Fetch-Site). */
  public boolean fromBrowser() {
    return OriginPolicy.fromBrowser(request.headers());
  }

  /** The bearer token of the Authorization header, or null. */
  public String bearerToken() {
    String auth = header(HttpHeaderNames.AUTHORIZATION);
    if (auth == null || !auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    return auth.substring(7).trim();
  }

  public void respondJson(HttpResponseStatus status, Object value) {
    respond(status, "application/json", Json.bytes(value));
  }

  public void respondText(HttpResponseStatus status, String contentType, String text) {
    respond(status, contentType, text.getBytes(StandardCharsets.UTF_8));
  }

  public void respondError(ApiException e) {
    respondJson(e.status(), Map.of("code", e.code(), "message", String.valueOf(e.getMessage())));
  }

  public void respond(HttpResponseStatus status, String contentType, byte[] content) {
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
        Unpooled.wrappedBuffer(content));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
    respond(response);
  }

  /** Sends a complete response; closes the connection afterwards unless it is kept alive. */
  public void respond(FullHttpResponse response) {
    if (!answered.compareAndSet(false, true)) {
      response.release();
      throw new IllegalStateException("request answered twice: " + request.uri());
    }
    HttpUtil.setContentLength(response, response.content().readableBytes());
    corsHeaders(response.headers());
    if (keepAlive) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
      channel.writeAndFlush(response);
    } else {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      channel.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
  }

  /**
   * Adds what lets a page of an allowed origin read the answer ({@code Access-Control-Allow-Origin}
   * naming that origin); other origins get none. Streamed responses call it on their head.
   */
  public void corsHeaders(HttpHeaders headers) {
    Cors.answer(request.headers(), origin, headers);
  }

  /**
   * Takes the channel over for a streamed response (HTTP-FLV, long downloads): the idle timeout
   * no longer applies, and the handler writes the response head and content itself, closing the
   * channel when the stream ends.
   */
  public Channel startStreaming() {
    if (!answered.compareAndSet(false, true)) {
      throw new IllegalStateException("request already answered: " + request.uri());
    }
    onStreaming.run();
    return channel;
  }

  boolean answered() {
    return answered.get();
  }
}
