package dev.parley.live.rtmp.handshake;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;
import java.util.function.Consumer;

/**
 * The client side of the simple handshake, for a node pulling a stream from another Parley node
 * (every RTMP server takes it): sends C0+C1 when the connection opens, reads S0+S1+S2, answers C2
 * (an echo of S1), calls {@code onDone} and removes itself, handing what follows to the next
 * handler. The answer's digests are not checked: the peer is one of our own nodes.
 */
public final class PullHandshakeDecoder extends ByteToMessageDecoder {
  private final int epochSeconds;
  private final Consumer<ChannelHandlerContext> onDone;

  /** {@code epochSeconds} goes into C1's time field. */
  public PullHandshakeDecoder(int epochSeconds, Consumer<ChannelHandlerContext> onDone) {
    this.epochSeconds = epochSeconds;
    this.onDone = onDone;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    ByteBuf out = ctx.alloc().buffer(1 + HandshakeCrypto.SIZE);
    out.writeByte(3).writeBytes(HandshakeCrypto.randomPacket(epochSeconds));
    ctx.writeAndFlush(out);
    super.channelActive(ctx);
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (in.readableBytes() < 1 + 2 * HandshakeCrypto.SIZE) {
      return;
    }
    if (in.readByte() != 3) {
      ctx.close();
      return;
    }
    byte[] s1 = new byte[HandshakeCrypto.SIZE];
    in.readBytes(s1);
    in.skipBytes(HandshakeCrypto.SIZE);
    ctx.writeAndFlush(Unpooled.wrappedBuffer(s1));
    onDone.accept(ctx);
    ctx.pipeline().remove(this);
  }
}
