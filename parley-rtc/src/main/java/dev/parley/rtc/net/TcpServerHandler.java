package dev.parley.rtc.net;

import dev.parley.rtc.stun.ChannelData;
import dev.parley.rtc.stun.StunDecoder;
import dev.parley.rtc.stun.StunException;
import dev.parley.rtc.stun.StunMessage;
import dev.parley.rtc.turn.Allocation;
import dev.parley.rtc.turn.ClientLink;
import dev.parley.rtc.turn.FlushQueue;
import dev.parley.rtc.turn.RtcMetrics.Drop;
import dev.parley.rtc.turn.TurnServer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.util.ReferenceCountUtil;
import dev.parley.core.time.Cancellable;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One STUN/TURN connection over TCP or TLS: the connection is the 5-tuple, so it holds at most one
 * allocation, freed when the connection closes. Relayed data is dropped while the connection is not
 * writable (the slow-consumer policy: media is late anyway, and the queue stays bounded by the
 * write watermarks); responses are always written. Malformed framing closes the connection.
 */
final class TcpServerHandler extends ChannelInboundHandlerAdapter implements ClientLink {
  private static final Logger log = LoggerFactory.getLogger(TcpServerHandler.class);
  private final TurnServer server;
  private final String transport;
  private final long handshakeTimeoutMillis;
  private final long idleTimeoutMillis;
  private Channel channel;
  private FlushQueue flushQueue;
  private Allocation allocation;
  private Cancellable handshakeTimer = Cancellable.NONE;
  private Cancellable idleTimer = Cancellable.NONE;
  /** When the last frame came in (monotonic, from the server's time source). */
  private long lastReadNanos;

  /**
   * @param handshakeTimeoutMillis a connection with no allocation this long after connecting is closed
   * @param idleTimeoutMillis a connection with no allocation and nothing read for this long is closed
   */
  TcpServerHandler(TurnServer server, String transport, long handshakeTimeoutMillis, long idleTimeoutMillis) {
    this.server = server;
    this.transport = transport;
    this.handshakeTimeoutMillis = handshakeTimeoutMillis;
    this.idleTimeoutMillis = idleTimeoutMillis;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    channel = ctx.channel();
    flushQueue = server.flushQueue(channel.eventLoop());
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    handshakeTimer = server.time().schedule(ctx.executor(), () -> {
      if (allocation == null) {
        log.debug("{} {}: no allocation within {} ms; closing", transport, remote(), handshakeTimeoutMillis);
        ctx.close();
      }
    }, Duration.ofMillis(handshakeTimeoutMillis));
    lastReadNanos = server.time().nanoTime();
    checkIdle(ctx, idleTimeoutMillis * 1_000_000L);
    ctx.fireChannelActive();
  }

  /** Closes the connection once it has had no allocation and no input for the idle timeout. */
  private void checkIdle(ChannelHandlerContext ctx, long inNanos) {
    idleTimer = server.time().schedule(ctx.executor(), () -> {
      long idle = server.time().nanoTime() - lastReadNanos;
      long timeout = idleTimeoutMillis * 1_000_000L;
      if (allocation == null && idle >= timeout) {
        log.debug("{} {}: idle without an allocation; closing", transport, remote());
        ctx.close();
      } else if (ctx.channel().isActive()) {
        checkIdle(ctx, allocation == null ? timeout - idle : timeout);
      }
    }, Duration.ofNanos(inNanos));
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof StunFrameDecoder.Malformed m) {
      server.metrics().dropped(Drop.MALFORMED);
      log.debug("{} {}: {}; closing", transport, remote(), m.reason());
      ctx.close();
      return;
    }
    ByteBuf frame = (ByteBuf) msg;
    lastReadNanos = server.time().nanoTime();
    try {
      if (ChannelData.isChannelData(frame.getUnsignedByte(frame.readerIndex()))) {
        if (allocation != null) {
          allocation.fromClientChannelData(frame);
        } else {
          server.metrics().dropped(Drop.NO_ALLOCATION);
        }
        return;
      }
      byte[] bytes = new byte[frame.readableBytes()];
      frame.getBytes(frame.readerIndex(), bytes);
      StunMessage message;
      try {
        message = StunDecoder.decode(bytes);
      } catch (StunException e) {
        server.metrics().dropped(Drop.MALFORMED);
        log.debug("{} {}: malformed STUN ({}); closing", transport, remote(), e.getMessage());
        ctx.close();
        return;
      }
      server.handle(this, message);
    } finally {
      ReferenceCountUtil.release(frame);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    handshakeTimer.cancel();
    idleTimer.cancel();
    server.linkClosed(this);
    ctx.fireChannelInactive();
  }

  // ---------------------------------------------------------------------------------------------
  // ClientLink

  @Override
  public InetSocketAddress remote() {
    return (InetSocketAddress) channel.remoteAddress();
  }

  @Override
  public String transport() {
    return transport;
  }

  @Override
  public EventLoop loop() {
    return channel.eventLoop();
  }

  @Override
  public void sendControl(byte[] message) {
    channel.writeAndFlush(Unpooled.wrappedBuffer(message), channel.voidPromise());
  }

  @Override
  public boolean sendChannelData(int number, ByteBuf payload) {
    if (!channel.isWritable()) {
      return false;
    }
    int length = payload.readableBytes();
    int padded = ChannelData.frameLength(length, true);
    ByteBuf frame = channel.alloc().buffer(padded);
    frame.writeShort(number).writeShort(length).writeBytes(payload, payload.readerIndex(), length);
    frame.writeZero(padded - ChannelData.HEADER - length);
    return flushQueue.writeIfWritable(channel, frame);
  }

  @Override
  public boolean sendIndication(byte[] message) {
    return flushQueue.writeIfWritable(channel, Unpooled.wrappedBuffer(message));
  }

  @Override
  public Allocation allocation() {
    return allocation;
  }

  @Override
  public void allocation(Allocation allocation) {
    this.allocation = allocation;
  }
}
