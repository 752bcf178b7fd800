package dev.parley.core.http;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.ssl.SslHandler;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Routes each aggregated request to its handler or WebSocket endpoint. One per connection. */
final class HttpDispatcher extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final Logger log = LoggerFactory.getLogger(HttpDispatcher.class);

  private final HttpRouter router;
  private final OriginPolicy origins;

  HttpDispatcher(HttpRouter router, OriginPolicy origins) {
    this.router = router;
    this.origins = origins;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
    if (!req.decoderResult().isSuccess()) {
      plain(ctx, req, OriginPolicy.Verdict.NOT_BROWSER, HttpResponseStatus.BAD_REQUEST, "BAD_REQUEST",
          "malformed HTTP request");
      return;
    }
    String path = new QueryStringDecoder(req.uri()).path();
    OriginPolicy.Verdict verdict = origins.judge(req.headers());
    if (!verdict.permitted()) {
      noteRefused(req, path);
    }
    if (HttpMethod.OPTIONS.equals(req.method()) && (req.headers().contains(HttpHeaderNames.ACCESS_CONTROL_REQUEST_METHOD)
        || !router.answersOptions(path))) {
      if (verdict.permitted()) {
        ctx.writeAndFlush(Cors.preflight(req.headers(), verdict))
            .addListener(HttpUtil.isKeepAlive(req) ? ChannelFutureListener.CLOSE_ON_FAILURE : ChannelFutureListener.CLOSE);
      } else {
        refuseOrigin(ctx, req, verdict);
      }
      return;
    }
    WebSocketEndpoint ws = router.webSocketAt(path);
    if (ws != null) {
      // Native clients send no Origin; a browser page of another origin may not open the socket.
      if (verdict.permitted()) {
        upgrade(ctx, req, ws, verdict);
      } else {
        refuseOrigin(ctx, req, verdict);
      }
      return;
    }
    boolean[] methodMismatch = new boolean[1];
    HttpRouter.Match match = router.match(req.method(), path, methodMismatch);
    if (match == null) {
      if (methodMismatch[0]) {
        plain(ctx, req, verdict, HttpResponseStatus.METHOD_NOT_ALLOWED, "METHOD_NOT_ALLOWED",
            req.method() + " is not allowed on " + path);
      } else {
        plain(ctx, req, verdict, HttpResponseStatus.NOT_FOUND, "NOT_FOUND", "no such path: " + path);
      }
      return;
    }
    if (!verdict.permitted() && !HttpMethod.GET.equals(req.method()) && !HttpMethod.HEAD.equals(req.method())) {
      // Another site's page cannot read our answer, but the request alone could change something.
      refuseOrigin(ctx, req, verdict);
      return;
    }
    byte[] body = ByteBufUtil.getBytes(req.content());
    HttpExchange ex = new HttpExchange(ctx.channel(), req, body, match.params(), verdict, () -> HttpPipeline.streaming(ctx.pipeline()));
    try {
      match.handler().handle(ex);
    } catch (ApiException e) {
      ex.respondError(e);
    } catch (Exception | AssertionError e) {
      log.error("{} {} failed", req.method(), path, e);
      if (!ex.answered()) {
        ex.respondError(new ApiException(HttpResponseStatus.INTERNAL_SERVER_ERROR, "INTERNAL", "internal error"));
      }
    }
  }

  private void refuseOrigin(ChannelHandlerContext ctx, FullHttpRequest req, OriginPolicy.Verdict verdict) {
    plain(ctx, req, verdict, HttpResponseStatus.FORBIDDEN, "ORIGIN_NOT_ALLOWED", ApiException.originRefused(
        req.headers().get(HttpHeaderNames.ORIGIN)).getMessage());
  }

  private void noteRefused(FullHttpRequest req, String path) {
    String origin = req.headers().get(HttpHeaderNames.ORIGIN);
    if (origin != null && OriginPolicy.namesTheHost(req.headers()) && origins.firstRefusal(origin)) {
      log.warn("refused a page of {} ({} {}): this server was reached by that name, which counts as its own "
          + "origin only when listed in http.allowed-origins", origin, req.method(), path);
    }
  }


  private void upgrade(ChannelHandlerContext ctx, FullHttpRequest req, WebSocketEndpoint endpoint,
      OriginPolicy.Verdict verdict) {
    if (!HttpMethod.GET.equals(req.method())
        || !req.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)
        || !req.headers().contains(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)) {
      plain(ctx, req, verdict, HttpResponseStatus.BAD_REQUEST, "BAD_REQUEST", "this path takes WebSocket connections only");
      return;
    }
    String subprotocols = endpoint.subprotocols().isEmpty() ? null : String.join(",", endpoint.subprotocols());
    WebSocketDecoderConfig decoderConfig = WebSocketDecoderConfig.newBuilder()
        .maxFramePayloadLength(endpoint.maxMessageBytes())
        .allowExtensions(false)
        .closeOnProtocolViolation(true)
        .build();
    String scheme = ctx.pipeline().get(SslHandler.class) != null ? "wss://" : "ws://";
    WebSocketServerHandshakerFactory factory = new WebSocketServerHandshakerFactory(
        scheme + req.headers().get(HttpHeaderNames.HOST, "localhost") + req.uri(), subprotocols, decoderConfig);
    WebSocketServerHandshaker handshaker = factory.newHandshaker(req);
    if (handshaker == null) {
      WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
      return;
    }
    if (endpoint.subprotocolRequired()) {
      String requested = req.headers().get(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL);
      boolean ok = false;
      if (requested != null) {
        for (String s : requested.split(",")) {
          ok |= endpoint.subprotocols().contains(s.trim());
        }
      }
      if (!ok) {
        plain(ctx, req, verdict, HttpResponseStatus.BAD_REQUEST, "BAD_REQUEST",
            "WebSocket subprotocol must be one of " + endpoint.subprotocols());
        return;
      }
    }
    HttpPipeline.upgrade(ctx, req, handshaker, endpoint).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
  }

  private static void plain(ChannelHandlerContext ctx, FullHttpRequest req, OriginPolicy.Verdict verdict,
      HttpResponseStatus status, String code, String message) {
    byte[] body = Json.bytes(Map.of("code", code, "message", message));
    FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
    r.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json")
        .set(HttpHeaderNames.CONTENT_LENGTH, body.length);
    Cors.answer(req.headers(), verdict, r.headers());
    boolean keep = HttpUtil.isKeepAlive(req) && (status.code() == 404 || status.code() == 405);
    ctx.writeAndFlush(r).addListener(keep ? ChannelFutureListener.CLOSE_ON_FAILURE : ChannelFutureListener.CLOSE);
  }
}
