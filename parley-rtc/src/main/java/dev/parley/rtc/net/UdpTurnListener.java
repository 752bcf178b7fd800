package dev.parley.rtc.net;

import dev.parley.core.net.EventLoops;
import dev.parley.core.net.ListenerBindException;
import dev.parley.rtc.turn.TurnHandlerNames;
import dev.parley.rtc.turn.TurnServer;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.util.concurrent.EventExecutor;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The STUN/TURN UDP listener. On epoll it binds one socket per event loop to the same port with
 * SO_REUSEPORT, so the kernel spreads clients over every loop by their address and each client's
 * packets always reach the same loop (where its allocation lives); on NIO it binds one socket.
 */
public final class UdpTurnListener {
  private static final Logger log = LoggerFactory.getLogger(UdpTurnListener.class);
  /** Socket buffers of the shared listener sockets: bursts from many clients land here. */
  private static final int SOCKET_BUFFER = 4 << 20;

  private final TurnServer server;
  private final EventLoops eventLoops;
  private final List<Channel> channels = new ArrayList<>();
  private int port;

  public UdpTurnListener(TurnServer server, EventLoops eventLoops) {
    this.server = server;
    this.eventLoops = eventLoops;
  }

  /** Binds the sockets; blocks until bound (call from start, never on an event loop). */
  public void bind(String host, int wantedPort) {
    List<EventLoop> loops = new ArrayList<>();
    for (EventExecutor e : eventLoops.group()) {
      loops.add((EventLoop) e);
      if (!eventLoops.isEpoll()) {
        break;
      }
    }
    port = wantedPort;
    try {
      InetAddress ip = InetAddress.getByName(host);
      for (EventLoop loop : loops) {
        Bootstrap b = server.datagramBootstrap(loop, ip, true)
            .option(ChannelOption.SO_RCVBUF, SOCKET_BUFFER)
            .option(ChannelOption.SO_SNDBUF, SOCKET_BUFFER)
            .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(1 << 20, 2 << 20))
            .handler(new ChannelInitializer<Channel>() {
              @Override
              protected void initChannel(Channel ch) {
                ch.pipeline().addLast(TurnHandlerNames.UDP_LISTENER, new UdpServerHandler(server));
              }
            });
        if (eventLoops.isEpoll()) {
          b.option(EpollChannelOption.SO_REUSEPORT, true);
        }
        Channel ch = b.bind(new InetSocketAddress(ip, port)).syncUninterruptibly().channel();
        port = ((InetSocketAddress) ch.localAddress()).getPort();
        channels.add(ch);
      }
    } catch (Exception e) {
      close();
      throw ListenerBindException.of("rtc-turn-udp", host, wantedPort, e);
    }
    log.info("STUN/TURN UDP on {}:{} ({} socket{})", host, port, channels.size(), channels.size() == 1 ? "" : "s");
  }

  /** The bound port. */
  public int port() {
    return port;
  }

  public void close() {
    for (Channel ch : channels) {
      ch.close().awaitUninterruptibly(2000);
    }
    channels.clear();
  }
}
