package dev.parley.live.flv;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/** Replaces the HTTP codec of a streaming response: a player has nothing more to say, so input is dropped. */
@ChannelHandler.Sharable
final class DiscardInbound extends ChannelInboundHandlerAdapter {
  static final DiscardInbound INSTANCE = new DiscardInbound();

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ReferenceCountUtil.release(msg);
  }
}
