package dev.parley.rtc.net;

import dev.parley.rtc.stun.ChannelData;
import dev.parley.rtc.stun.StunDecoder;
import dev.parley.rtc.stun.StunException;
import dev.parley.rtc.stun.StunMessage;
import dev.parley.rtc.turn.Allocation;
import dev.parley.rtc.turn.FlushQueue;
import dev.parley.rtc.turn.RtcMetrics.Drop;
import dev.parley.rtc.turn.TurnServer;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One UDP listener socket: ChannelData goes straight to the sender's allocation; STUN messages are
 * decoded and handled; anything else, and STUN that does not decode, is dropped (a UDP peer cannot
 * be told reliably, and answering garbage would make the server a reflector).
 */
final class UdpServerHandler extends SimpleChannelInboundHandler<DatagramPacket> {
  private static final Logger log = LoggerFactory.getLogger(UdpServerHandler.class);
  private final TurnServer server;
  private FlushQueue flushQueue;

  UdpServerHandler(TurnServer server) {
    this.server = server;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    flushQueue = server.flushQueue(ctx.channel().eventLoop());
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
    ByteBuf content = packet.content();
    InetSocketAddress sender = packet.sender();
    if (content.readableBytes() < ChannelData.HEADER) {
      server.metrics().dropped(Drop.MALFORMED);
      return;
    }
    int first = content.getUnsignedByte(content.readerIndex());
    if (ChannelData.isChannelData(first)) {
      Allocation a = server.udpAllocation(sender);
      if (a == null) {
        server.metrics().dropped(Drop.NO_ALLOCATION);
        return;
      }
      if (a.link().loop().inEventLoop()) {
        a.fromClientChannelData(content);
      } else {
        // Not expected (a client's 5-tuple hashes to one socket), but state stays on its own loop.
        ByteBuf held = content.retain();
        a.link().loop().execute(() -> {
          try {
            a.fromClientChannelData(held);
          } finally {
            held.release();
          }
        });
      }
      return;
    }
    if (!StunDecoder.isStun(first)) {
      server.metrics().dropped(Drop.MALFORMED);
      return;
    }
    byte[] bytes = new byte[content.readableBytes()];
    content.getBytes(content.readerIndex(), bytes);
    StunMessage message;
    try {
      message = StunDecoder.decode(bytes);
    } catch (StunException e) {
      server.metrics().dropped(Drop.MALFORMED);
      log.debug("udp {}: dropped malformed STUN: {}", sender, e.getMessage());
      return;
    }
    Allocation a = server.udpAllocation(sender);
    if (a != null && !a.link().loop().inEventLoop()) {
      a.link().loop().execute(() -> server.handle(a.link(), message));
      return;
    }
    server.handle(a != null ? a.link() : new UdpClientLink(ctx.channel(), sender, flushQueue, server.udpTable()), message);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // ICMP port unreachable from a client that went away shows up here; the socket stays open.
    log.debug("udp listener: {}", cause.toString());
  }
}
