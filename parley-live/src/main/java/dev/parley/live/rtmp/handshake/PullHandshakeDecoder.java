package dev.parley.live.rtmp.handshake;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * The client side of the handshake, for a node pulling a stream from another Parley node (and the
 * test client): sends C0+C1 when the connection opens, reads S0+S1+S2, answers C2 (an echo of
 * S1), hands S1 and S2 to {@code onDone} and removes itself, passing what follows to the next
 * handler. {@link #simple} does not check the answer: the peer is one of our own nodes.
 */
public final class PullHandshakeDecoder extends ByteToMessageDecoder {
  /** Told the server's S1 and S2 once C2 is sent; may add the handlers that read what follows. */
  @FunctionalInterface
  public interface Done {
    void handshaken(ChannelHandlerContext ctx, byte[] s1, byte[] s2);
  }

  private final byte[] c1;
  private final Done onDone;

  /** Sends {@code c1} (simple or complex) as C1. */
  public PullHandshakeDecoder(byte[] c1, Done onDone) {
    this.c1 = c1.clone();
    this.onDone = onDone;
  }

  /** A simple handshake (zero version in C1, {@code epochSeconds} in its time field). */
  public static PullHandshakeDecoder simple(int epochSeconds, Done onDone) {
    return new PullHandshakeDecoder(HandshakeCrypto.randomPacket(epochSeconds), onDone);
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    ByteBuf out = ctx.alloc().buffer(1 + c1.length);
    out.writeByte(3).writeBytes(c1);
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
    byte[] s2 = new byte[HandshakeCrypto.SIZE];
    in.readBytes(s1);
    in.readBytes(s2);
    ctx.writeAndFlush(Unpooled.wrappedBuffer(s1.clone()));
    onDone.handshaken(ctx, s1, s2);
    ctx.pipeline().remove(this);
  }
}
