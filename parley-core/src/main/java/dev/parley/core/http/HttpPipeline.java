package dev.parley.core.http;

import static dev.parley.core.net.ChannelHandlerNames.HTTP_AGGREGATOR;
import static dev.parley.core.net.ChannelHandlerNames.HTTP_BODY_STREAMER;
import static dev.parley.core.net.ChannelHandlerNames.HTTP_CHUNKED;
import static dev.parley.core.net.ChannelHandlerNames.HTTP_CODEC;
import static dev.parley.core.net.ChannelHandlerNames.HTTP_DISPATCHER;
import static dev.parley.core.net.ChannelHandlerNames.HTTP_IDLE;
import static dev.parley.core.net.ChannelHandlerNames.HTTP_IDLE_CLOSER;
import static dev.parley.core.net.ChannelHandlerNames.WS_AGGREGATOR;
import static dev.parley.core.net.ChannelHandlerNames.WS_CONTROL;

import dev.parley.core.net.ChannelHandlerNames;
import dev.parley.core.net.QuietExceptionHandler;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Every shape of an HTTP connection's pipeline, in one place: the handlers of a new connection
 * ({@link #accept}), a response that streams ({@link #streaming}) and the switch to a WebSocket
 * endpoint ({@link #upgrade}). The names and the final order are in {@link ChannelHandlerNames}.
 */
public final class HttpPipeline implements Consumer<Channel> {
  private final HttpRouter router;
  private final int maxRequestBytes;
  private final Duration idleTimeout;
  private final OriginPolicy origins;

  /** A pipeline that answers only the server's own pages (no other origin allowed). */
  public HttpPipeline(HttpRouter router, int maxRequestBytes, Duration idleTimeout) {
    this(router, maxRequestBytes, idleTimeout, OriginPolicy.ownOnly());
  }

  public HttpPipeline(HttpRouter router, int maxRequestBytes, Duration idleTimeout, OriginPolicy origins) {
    this.router = router;
    this.maxRequestBytes = maxRequestBytes;
    this.idleTimeout = idleTimeout;
    this.origins = origins;
  }

  @Override
  public void accept(Channel ch) {
    ChannelPipeline p = ch.pipeline();
    // Header limits bound what a client can make us buffer before routing.
    p.addLast(HTTP_CODEC, new HttpServerCodec(4096, 16 * 1024, 8192));
    // Before the streamer, so that the chunks of an upload count as reads.
    p.addLast(HTTP_IDLE, new IdleStateHandler(0, 0, idleTimeout.toMillis(), TimeUnit.MILLISECONDS));
    p.addLast(HTTP_IDLE_CLOSER, IdleCloser.INSTANCE);
    p.addLast(HTTP_BODY_STREAMER, new BodyStreamer(router, origins));
    p.addLast(HTTP_AGGREGATOR, new HttpObjectAggregator(maxRequestBytes));
    p.addLast(HTTP_CHUNKED, new ChunkedWriteHandler());
    p.addLast(HTTP_DISPATCHER, new HttpDispatcher(router, origins));
  }

  /** A response streams for as long as it likes: the idle timeout no longer applies. */
  static void streaming(ChannelPipeline p) {
    if (p.get(HTTP_IDLE) != null) {
      p.remove(HTTP_IDLE);
    }
  }

  /**
   * Turns the connection into one of {@code endpoint}: the HTTP-only handlers go, the handshaker
   * answers 101 and swaps the HTTP codec for the WebSocket one, the aggregator and control handler
   * go in before anything more is read (so no early frame can miss the endpoint), then the
   * endpoint's handlers, and the dispatcher leaves.
   *
   * @return the handshake answer's write
   */
  static ChannelFuture upgrade(ChannelHandlerContext dispatcher, FullHttpRequest req, WebSocketServerHandshaker handshaker,
      WebSocketEndpoint endpoint) {
    ChannelPipeline p = dispatcher.pipeline();
    p.remove(HTTP_IDLE);
    p.remove(HTTP_IDLE_CLOSER);
    p.remove(HTTP_BODY_STREAMER);
    p.remove(HTTP_CHUNKED);
    ChannelFuture done = handshaker.handshake(dispatcher.channel(), req);
    p.addLast(WS_AGGREGATOR, new WebSocketFrameAggregator(endpoint.maxMessageBytes()));
    p.addLast(WS_CONTROL, new WebSocketControlHandler(handshaker));
    endpoint.configure(dispatcher.channel(), req, handshaker.selectedSubprotocol());
    p.remove(dispatcher.handler());
    QuietExceptionHandler.moveToTail(p);
    return done;
  }

  /** Closes HTTP connections that sat idle for the idle timeout (kept-alive connections between requests). */
  @ChannelHandler.Sharable
  static final class IdleCloser extends ChannelDuplexHandler {
    static final IdleCloser INSTANCE = new IdleCloser();

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
      if (evt instanceof IdleStateEvent) {
        ctx.close();
      } else {
        super.userEventTriggered(ctx, evt);
      }
    }
  }
}
