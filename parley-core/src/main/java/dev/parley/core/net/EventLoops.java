package dev.parley.core.net;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one event loop group every listener shares (epoll where available, NIO elsewhere), with the
 * channel classes that match it.
 */
public final class EventLoops implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EventLoops.class);

  private final EventLoopGroup group;
  private final boolean epoll;
  private final int threads;

  public EventLoops(int threads, boolean preferNative) {
    int n = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    this.threads = n;
    this.epoll = preferNative && Epoll.isAvailable();
    IoHandlerFactory factory = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    this.group = new MultiThreadIoEventLoopGroup(n, new DefaultThreadFactory("parley-io", true), factory);
    log.info("event loops: {} threads, {}", n, epoll ? "epoll" : "nio");
  }

  public EventLoopGroup group() {
    return group;
  }

  public int threads() {
    return threads;
  }

  public boolean isEpoll() {
    return epoll;
  }

  public Class<? extends ServerChannel> serverChannel() {
    return epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
  }

  public Class<? extends SocketChannel> socketChannel() {
    return epoll ? EpollSocketChannel.class : NioSocketChannel.class;
  }

  public Class<? extends DatagramChannel> datagramChannel() {
    return epoll ? EpollDatagramChannel.class : NioDatagramChannel.class;
  }

  /** Stops the loops, letting queued tasks run for up to {@code grace}. */
  public void shutdown(Duration grace) {
    group.shutdownGracefully(0, grace.toMillis(), TimeUnit.MILLISECONDS).awaitUninterruptibly(grace.toMillis() + 1000);
  }

  @Override
  public void close() {
    shutdown(Duration.ofSeconds(2));
  }
}
