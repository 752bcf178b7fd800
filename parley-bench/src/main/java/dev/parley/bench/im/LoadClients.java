package dev.parley.bench.im;

import dev.parley.im.net.ImFrameDecoder;
import dev.parley.im.net.Inbound;
import dev.parley.protocol.FrameCodec;
import dev.parley.protocol.im.Ack;
import dev.parley.protocol.im.Cursor;
import dev.parley.protocol.im.Frame;
import dev.parley.protocol.im.Login;
import dev.parley.protocol.im.Message;
import dev.parley.protocol.im.Platform;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Many IM connections from one process on a small event loop group: log in, send frames, ack
 * pushes cumulatively. Deliberately thin: the load generator shares the machine with the server.
 */
final class LoadClients implements AutoCloseable {
  /** What a benchmark hears from its connections (on their event loop). */
  interface Listener {
    default void onSendAck(Conn c, Frame f, long nanos) {}

    default void onPush(Conn c, Frame f, long nanos) {}

    default void onOther(Conn c, Frame f) {}
  }

  private final EventLoopGroup group;
  private final Bootstrap bootstrap;
  private final Listener listener;
  final AtomicInteger open = new AtomicInteger();

  LoadClients(int threads, int port, Listener listener) {
    this.listener = listener;
    this.group = new MultiThreadIoEventLoopGroup(threads, EpollIoHandler.newFactory());
    this.bootstrap = new Bootstrap().group(group).channel(EpollSocketChannel.class)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 20_000)
        .remoteAddress(new InetSocketAddress("127.0.0.1", port));
  }

  /** Connects and logs in; the future completes at LoginOk. */
  CompletableFuture<Conn> connect(String user, String device, String token, boolean ackPushes) {
    return connect(bootstrap.clone(), user, device, token, ackPushes);
  }

  /** As {@link #connect(String, String, String, boolean)}, to another port on loopback (another node). */
  CompletableFuture<Conn> connect(int port, String user, String device, String token, boolean ackPushes) {
    return connect(bootstrap.clone().remoteAddress(new InetSocketAddress("127.0.0.1", port)), user, device, token,
        ackPushes);
  }

  private CompletableFuture<Conn> connect(Bootstrap base, String user, String device, String token,
      boolean ackPushes) {
    Conn conn = new Conn(user, ackPushes);
    Bootstrap b = base.handler(new ChannelInitializer<Channel>() {
      @Override
      protected void initChannel(Channel ch) {
        ch.pipeline().addLast(new ImFrameDecoder(16 << 20), conn);
      }
    });
    b.connect().addListener(f -> {
      if (!f.isSuccess()) {
        conn.loggedIn.completeExceptionally(f.cause());
        return;
      }
      conn.write(Frame.newBuilder().setReq(1).setLogin(Login.newBuilder().setProtocolVersion(1).setToken(token)
          .setDeviceId(device).setPlatform(Platform.PLATFORM_OTHER)).build(), true);
    });
    return conn.loggedIn;
  }

  @Override
  public void close() {
    group.shutdownGracefully().syncUninterruptibly();
  }

  /** One connection. */
  final class Conn extends ChannelInboundHandlerAdapter {
    final String user;
    final boolean ackPushes;
    final CompletableFuture<Conn> loggedIn = new CompletableFuture<>();
    Channel channel;
    long pushed;
    /** Whom a benchmark's sender writes to. */
    String target;

    Conn(String user, boolean ackPushes) {
      this.user = user;
      this.ackPushes = ackPushes;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      channel = ctx.channel();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      open.incrementAndGet();
      ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      open.decrementAndGet();
      if (!loggedIn.isDone()) {
        loggedIn.completeExceptionally(new IllegalStateException(user + " closed before login"));
      }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      long now = System.nanoTime();
      if (msg == Inbound.HEARTBEAT || !(msg instanceof Frame f)) {
        return;
      }
      switch (f.getBodyCase()) {
        case LOGIN_OK -> loggedIn.complete(this);
        case SEND_ACK -> listener.onSendAck(this, f, now);
        case PUSH -> {
          pushed += f.getPush().getMessagesCount();
          listener.onPush(this, f, now);
          if (ackPushes) {
            Map<String, Long> max = new HashMap<>(2);
            for (Message m : f.getPush().getMessagesList()) {
              max.merge(m.getConversation(), m.getSeq(), Math::max);
            }
            Ack.Builder ack = Ack.newBuilder();
            max.forEach((c, s) -> ack.addCursors(Cursor.newBuilder().setConversation(c).setSeq(s)));
            write(Frame.newBuilder().setAck(ack).build(), false);
          }
        }
        default -> {
          if (f.hasError() && !loggedIn.isDone()) {
            loggedIn.completeExceptionally(new IllegalStateException(user + ": " + f.getError().getMessage()));
          }
          listener.onOther(this, f);
        }
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      ctx.flush();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }

    void write(Frame f, boolean flush) {
      if (flush) {
        channel.writeAndFlush(Unpooled.wrappedBuffer(FrameCodec.encode(f)), channel.voidPromise());
      } else {
        channel.write(Unpooled.wrappedBuffer(FrameCodec.encode(f)), channel.voidPromise());
      }
    }

    void heartbeat() {
      channel.writeAndFlush(Unpooled.wrappedBuffer(FrameCodec.heartbeat()), channel.voidPromise());
    }
  }
}
