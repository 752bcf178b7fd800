package dev.parley.core.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands the body of a request on a {@linkplain HttpRouter#streamed streamed route} to its handler
 * as it arrives, before {@code HttpObjectAggregator} would gather it; every other request passes
 * on untouched. While the sink takes a chunk the connection reads no more (what one read decoded
 * waits here, in order). A body the handler refused, or whose sink failed, is read and dropped to
 * its end, so the connection stays in step for its next request. One per connection.
 */
final class BodyStreamer extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(BodyStreamer.class);
  private static final byte[] NOTHING = new byte[0];

  private final HttpRouter router;
  private final OriginPolicy origins;
  /** A streamed request's body is being taken (or dropped) until its last chunk. */
  private boolean inBody;
  /** Where the body goes; null: dropped. */
  private BodyHandler.Sink sink;
  private HttpExchange exchange;
  /** What arrived while a body was taken: its chunks, then whatever came after it (a next request), in order. */
  private final ArrayDeque<Object> waiting = new ArrayDeque<>();
  /** The chunk the sink is taking now, or null. */
  private HttpContent writing;
  private boolean closed;

  BodyStreamer(HttpRouter router, OriginPolicy origins) {
    this.router = router;
    this.origins = origins;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (inBody || !waiting.isEmpty()) {
      waiting.add(msg);
      drain(ctx);
      return;
    }
    route(ctx, msg);
  }

  private void route(ChannelHandlerContext ctx, Object msg) {
    if (!inBody && msg instanceof HttpRequest req && req.decoderResult().isSuccess()) {
      HttpRouter.StreamedMatch match = router.matchStreamed(req.method(), new QueryStringDecoder(req.uri()).path());
      if (match != null) {
        begin(ctx, req, match);
        return;
      }
    }
    ctx.fireChannelRead(msg);
  }

  private void begin(ChannelHandlerContext ctx, HttpRequest req, HttpRouter.StreamedMatch match) {
    inBody = true;
    OriginPolicy.Verdict verdict = origins.judge(req.headers());
    exchange = new HttpExchange(ctx.channel(), req, NOTHING, match.params(), verdict,
        () -> HttpPipeline.streaming(ctx.pipeline()));
    if (!verdict.permitted()) {
      // Another site's page cannot read the answer, but the upload alone would change something.
      exchange.respondError(new ApiException(HttpResponseStatus.FORBIDDEN, "ORIGIN_NOT_ALLOWED",
          ApiException.originRefused(req.headers().get("origin")).getMessage()));
      return;
    }
    try {
      sink = match.handler().begin(exchange);
    } catch (ApiException e) {
      exchange.respondError(e);
    } catch (Exception | AssertionError e) {
      log.error("{} {} failed", req.method(), req.uri(), e);
      fail(new ApiException(HttpResponseStatus.INTERNAL_SERVER_ERROR, "INTERNAL", "internal error"));
    }
    if (sink != null && HttpUtil.is100ContinueExpected(req)) {
      ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE,
          Unpooled.EMPTY_BUFFER));
    }
  }

  /** Takes the waiting chunks one after another; the connection reads on once none is left. */
  private void drain(ChannelHandlerContext ctx) {
    while (writing == null && !waiting.isEmpty()) {
      Object next = waiting.poll();
      if (!inBody || !(next instanceof HttpContent c)) {
        route(ctx, next); // the body has ended: what came after it goes on as it would have
        continue;
      }
      if (sink != null && c.content().isReadable()) {
        writing = c;
        ctx.channel().config().setAutoRead(false);
        CompletionStage<?> taken;
        try {
          taken = sink.write(c.content());
        } catch (RuntimeException e) {
          taken = CompletableFuture.failedFuture(e);
        }
        taken.whenComplete((ok, failed) -> ctx.executor().execute(() -> written(ctx, failed)));
        return;
      }
      finish(c);
    }
    if (writing == null && !closed) {
      ctx.channel().config().setAutoRead(true);
    }
  }

  private void written(ChannelHandlerContext ctx, Throwable failed) {
    HttpContent c = writing;
    writing = null;
    if (closed) {
      ReferenceCountUtil.release(c); // the sink was told when the connection closed
      return;
    }
    if (failed != null && sink != null) {
      sink = null; // the rest of the body is dropped
      if (!exchange.answered()) {
        log.error("{} {} failed", exchange.method(), exchange.path(), failed);
        fail(new ApiException(HttpResponseStatus.INTERNAL_SERVER_ERROR, "INTERNAL", "internal error"));
      }
    }
    finish(c);
    drain(ctx);
  }

  /** Releases a chunk taken (or dropped); the last one ends the body. */
  private void finish(HttpContent c) {
    boolean last = c instanceof LastHttpContent;
    ReferenceCountUtil.release(c);
    if (!last) {
      return;
    }
    BodyHandler.Sink done = sink;
    inBody = false;
    sink = null;
    exchange = null;
    if (done != null) {
      done.end();
    }
  }

  private void fail(ApiException e) {
    if (!exchange.answered()) {
      exchange.respondError(e);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    closed = true;
    Object c;
    while ((c = waiting.poll()) != null) {
      ReferenceCountUtil.release(c);
    }
    if (inBody && sink != null) {
      BodyHandler.Sink gone = sink;
      sink = null;
      gone.abort(new ClosedChannelException());
    }
    inBody = false;
    ctx.fireChannelInactive();
  }
}
