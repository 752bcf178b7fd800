package dev.parley.mqtt.transport;

import dev.parley.mqtt.codec.MqttDecoder;
import dev.parley.mqtt.codec.MqttEncoder;
import dev.parley.mqtt.codec.MqttPacket;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * The one MQTT handler in a connection's pipeline: frames and parses what the client sends
 * ({@link MqttDecoder#next}) and hands each packet to its {@link MqttConnection}; encodes what the
 * connection sends ({@link MqttEncoder}) and flushes once per batch of work. Decoder, encoder and
 * protocol sit in one pipeline entry because an idle connection then costs one. The connection's
 * event loop only.
 */
final class MqttChannelHandler extends ByteToMessageDecoder {
  private final MqttConnection conn;
  private final int maxPacketSize;
  private ChannelHandlerContext ctx;
  private boolean flushScheduled;
  private Runnable flushTask;

  MqttChannelHandler(BrokerServices services) {
    this.conn = new MqttConnection(services, this);
    this.maxPacketSize = services.settings().maxPacketSize();
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    conn.added(ctx.channel());
    if (ctx.channel().isActive()) {
      // WebSocket: added after the handshake, on a connection that is already active.
      conn.activate();
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    conn.activate();
    super.channelActive(ctx);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    conn.closed();
    super.channelInactive(ctx);
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    while (in.isReadable()) {
      if (conn.discardsInput()) {
        in.skipBytes(in.readableBytes());
        return;
      }
      Object next = MqttDecoder.next(in, maxPacketSize, conn.level(), true);
      if (next == null) {
        return;
      }
      conn.read(next);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    // Packets are handled here, never passed on: the decoder's rule "nothing passed on and auto-read
    // off, so read more" must not apply, or stopping reads during CONNECT would not stop anything.
    discardSomeReadBytes();
    ctx.fireChannelReadComplete();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    conn.writabilityChanged();
    ctx.fireChannelWritabilityChanged();
  }

  /** Writes {@code packet} encoded for {@code level}; flushed at the end of the current batch of work. */
  void write(MqttPacket packet, int level) {
    ctx.write(MqttEncoder.encode(ctx.alloc(), packet, level), ctx.voidPromise());
    if (!flushScheduled) {
      flushScheduled = true;
      if (flushTask == null) {
        flushTask = this::flushNow;
      }
      ctx.executor().execute(flushTask);
    }
  }

  /** Writes {@code packet} now and closes the connection once it is written. */
  void writeAndClose(MqttPacket packet, int level) {
    ctx.writeAndFlush(MqttEncoder.encode(ctx.alloc(), packet, level)).addListener(ChannelFutureListener.CLOSE);
  }

  private void flushNow() {
    flushScheduled = false;
    ctx.flush();
  }
}
