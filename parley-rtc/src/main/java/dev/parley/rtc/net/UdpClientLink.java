package dev.parley.rtc.net;

import dev.parley.rtc.turn.Allocation;
import dev.parley.rtc.turn.ClientLink;
import dev.parley.rtc.turn.FlushQueue;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;

/** A client address on one of the UDP listener sockets; its allocation lives in the server's UDP table. */
final class UdpClientLink implements ClientLink {
  private final Channel channel;
  private final InetSocketAddress remote;
  private final FlushQueue flushQueue;
  private final ConcurrentHashMap<InetSocketAddress, Allocation> table;

  UdpClientLink(Channel channel, InetSocketAddress remote, FlushQueue flushQueue,
      ConcurrentHashMap<InetSocketAddress, Allocation> table) {
    this.channel = channel;
    this.remote = remote;
    this.flushQueue = flushQueue;
    this.table = table;
  }

  @Override
  public InetSocketAddress remote() {
    return remote;
  }

  @Override
  public String transport() {
    return "udp";
  }

  @Override
  public EventLoop loop() {
    return channel.eventLoop();
  }

  @Override
  public void sendControl(byte[] message) {
    channel.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(message), remote), channel.voidPromise());
  }

  @Override
  public boolean sendChannelData(int number, ByteBuf payload) {
    if (!channel.isWritable()) {
      return false;
    }
    int length = payload.readableBytes();
    ByteBuf frame = channel.alloc().directBuffer(4 + length);
    frame.writeShort(number).writeShort(length).writeBytes(payload, payload.readerIndex(), length);
    return flushQueue.writeIfWritable(channel, new DatagramPacket(frame, remote));
  }

  @Override
  public boolean sendIndication(byte[] message) {
    return flushQueue.writeIfWritable(channel, new DatagramPacket(Unpooled.wrappedBuffer(message), remote));
  }

  @Override
  public Allocation allocation() {
    return table.get(remote);
  }

  @Override
  public void allocation(Allocation allocation) {
    if (allocation == null) {
      table.remove(remote);
    } else {
      table.put(remote, allocation);
    }
  }
}
