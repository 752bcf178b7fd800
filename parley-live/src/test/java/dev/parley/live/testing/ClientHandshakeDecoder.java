package dev.parley.live.testing;

import dev.parley.live.rtmp.handshake.ClientHandshake;
import dev.parley.live.rtmp.handshake.HandshakeCrypto;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * The client side of the handshake: sends C0+C1 (complex or simple), reads S0+S1+S2, checks the
 * server's digests when the handshake is complex, answers C2 (an echo of S1), then calls
 * {@code onDone} with whether the server's answer verified, and removes itself.
 */
final class ClientHandshakeDecoder extends ByteToMessageDecoder {
  private final boolean complex;
  private final BiConsumer<ChannelHandlerContext, Boolean> onDone;
  private byte[] c1;

  ClientHandshakeDecoder(boolean complex, BiConsumer<ChannelHandlerContext, Boolean> onDone) {
    this.complex = complex;
    this.onDone = onDone;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    c1 = ClientHandshake.clientC1(complex, (int) (System.currentTimeMillis() / 1000));
    ByteBuf out = Unpooled.buffer(1 + c1.length);
    out.writeByte(3).writeBytes(c1);
    ctx.writeAndFlush(out);
    super.channelActive(ctx);
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (in.readableBytes() < 1 + 2 * HandshakeCrypto.SIZE) {
      return;
    }
    in.skipBytes(1);
    byte[] s1 = new byte[HandshakeCrypto.SIZE];
    byte[] s2 = new byte[HandshakeCrypto.SIZE];
    in.readBytes(s1);
    in.readBytes(s2);
    boolean verified = ClientHandshake.clientVerifies(c1, s1, s2);
    ctx.writeAndFlush(Unpooled.wrappedBuffer(Arrays.copyOf(s1, s1.length)));
    onDone.accept(ctx, verified);
    ctx.pipeline().remove(this);
  }
}
