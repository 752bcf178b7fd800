package dev.parley.core.net;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.SslContext;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Builds the pipeline of every accepted connection of a TCP listener: the per-IP limiter and TLS
 * in front of the listener's own handlers, the quiet exception handler behind them (the order is
 * drawn in {@link ChannelHandlerNames}). Shared by every connection of the listener.
 */
public final class ListenerInitializer extends ChannelInitializer<Channel> {
  private final TcpListener listener;
  private final SslContext tls;
  private final IpConnectionLimiter limiter;
  private final AtomicInteger open = new AtomicInteger();

  /**
   * @param tls the server's TLS context when the listener has TLS on, else null
   */
  public ListenerInitializer(TcpListener listener, SslContext tls) {
    this.listener = listener;
    this.tls = tls;
    int cap = listener.settings().maxConnectionsPerIp();
    this.limiter = cap > 0 ? new IpConnectionLimiter(cap, listener.onReject()) : null;
  }

  @Override
  protected void initChannel(Channel ch) {
    open.incrementAndGet();
    ch.closeFuture().addListener(f -> open.decrementAndGet());
    ChannelPipeline p = ch.pipeline();
    if (limiter != null) {
      p.addLast(ChannelHandlerNames.IP_LIMIT, limiter);
    }
    if (tls != null) {
      p.addLast(ChannelHandlerNames.TLS, tls.newHandler(ch.alloc()));
    }
    listener.initializer().accept(ch);
    p.addLast(ChannelHandlerNames.QUIET_EXCEPTIONS, QuietExceptionHandler.INSTANCE);
  }

  /** Connections of this listener open now. */
  public int open() {
    return open.get();
  }
}
