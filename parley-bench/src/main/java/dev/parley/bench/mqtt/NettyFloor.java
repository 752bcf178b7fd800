package dev.parley.bench.mqtt;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.util.ReferenceCountUtil;

/**
 * The floor under any broker built on Netty, for the idle-memory comparison: an epoll server with
 * one shared handler that answers whatever it reads with a CONNACK and keeps nothing per
 * connection but Netty's own channel. {@code NettyFloor <port>}; prints {@code READY}.
 */
public final class NettyFloor {
  private static final byte[] CONNACK = {0x20, 0x02, 0x00, 0x00};

  private NettyFloor() {}

  /** Answers every read with CONNACK; the load generator's idle clients send only CONNECT. */
  @ChannelHandler.Sharable
  private static final class Answer extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ReferenceCountUtil.release(msg);
      ctx.writeAndFlush(Unpooled.wrappedBuffer(CONNACK));
    }
  }

  public static void main(String[] args) throws Exception {
    EventLoopGroup loops = new MultiThreadIoEventLoopGroup(Runtime.getRuntime().availableProcessors(),
        EpollIoHandler.newFactory());
    new ServerBootstrap().group(loops).channel(EpollServerSocketChannel.class)
        .option(ChannelOption.SO_BACKLOG, 4096)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new Answer())
        .bind("127.0.0.1", Integer.parseInt(args[0])).sync();
    System.out.println("READY " + ProcessHandle.current().pid());
    System.out.flush();
    Thread.currentThread().join();
  }
}
