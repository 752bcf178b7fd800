package dev.parley.rtc.turn;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;

/** Reads datagrams from peers on one allocation's relay socket and hands them to the allocation. */
final class RelayHandler extends SimpleChannelInboundHandler<DatagramPacket> {
  private final Allocation allocation;

  RelayHandler(Allocation allocation) {
    this.allocation = allocation;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
    if (!allocation.closed) {
      allocation.fromPeer(packet);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // ICMP unreachable and the like surface as read errors on a UDP socket: not a reason to close.
  }
}
