package dev.parley.core.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** Builds the pipeline of a new HTTP connection. Handler names are the constants here. */
public final class HttpPipeline implements Consumer<Channel> {
  public static final String CODEC = "http-codec";
  public static final String AGGREGATOR = "http-aggregator";
  public static final String IDLE = "http-idle";
  public static final String IDLE_CLOSER = "http-idle-closer";
  public static final String CHUNKED = "http-chunked";
  public static final String DISPATCHER = "http-dispatcher";

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
    p.addLast(CODEC, new HttpServerCodec(4096, 16 * 1024, 8192));
    p.addLast(AGGREGATOR, new HttpObjectAggregator(maxRequestBytes));
    p.addLast(IDLE, new IdleStateHandler(0, 0, idleTimeout.toMillis(), TimeUnit.MILLISECONDS));
    p.addLast(IDLE_CLOSER, IdleCloser.INSTANCE);
    p.addLast(CHUNKED, new ChunkedWriteHandler());
    p.addLast(DISPATCHER, new HttpDispatcher(router, origins));
  }

  /** Closes HTTP connections that sat idle for the idle timeout (kept-alive connections between requests). */
  @io.netty.channel.ChannelHandler.Sharable
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
