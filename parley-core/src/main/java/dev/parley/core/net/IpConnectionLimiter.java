package dev.parley.core.net;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Caps open connections per remote IP on one listener. A connection over the cap is handed to
 * the listener's reject action (which tells the peer why, where the protocol allows) and closed.
 */
@ChannelHandler.Sharable
public final class IpConnectionLimiter extends ChannelInboundHandlerAdapter {
  private final int maxPerIp;
  private final Consumer<Channel> onReject;
  private final ConcurrentHashMap<InetAddress, AtomicInteger> open = new ConcurrentHashMap<>();

  /**
   * @param maxPerIp the cap; 0 for none
   * @param onReject called on the channel's event loop for a connection over the cap; it must
   *     close the channel (after writing a reason, if it likes)
   */
  public IpConnectionLimiter(int maxPerIp, Consumer<Channel> onReject) {
    this.maxPerIp = maxPerIp;
    this.onReject = onReject;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    InetAddress ip = ip(ctx.channel().remoteAddress());
    if (maxPerIp > 0 && ip != null) {
      int n = open.computeIfAbsent(ip, k -> new AtomicInteger()).incrementAndGet();
      ctx.channel().closeFuture().addListener(f -> release(ip));
      if (n > maxPerIp) {
        onReject.accept(ctx.channel());
        return;
      }
    }
    ctx.pipeline().remove(this);
    ctx.fireChannelActive();
  }

  private void release(InetAddress ip) {
    open.computeIfPresent(ip, (k, count) -> count.decrementAndGet() <= 0 ? null : count);
  }

  /** Connections currently open from {@code ip}. */
  public int openFrom(InetAddress ip) {
    AtomicInteger n = open.get(ip);
    return n == null ? 0 : n.get();
  }

  static InetAddress ip(SocketAddress address) {
    return address instanceof InetSocketAddress isa ? isa.getAddress() : null;
  }
}
