package dev.parley.live.rtmp.handshake;

import dev.parley.core.time.TimeSource;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;
import java.util.function.Consumer;

/**
 * The server side of the handshake: reads C0+C1, answers S0+S1+S2, reads C2, then calls
 * {@code onDone} (which puts the chunk codec in place) and removes itself, passing on whatever
 * bytes followed C2. A C0 other than 3 (plain RTMP) is refused with a {@link HandshakeException}.
 * C2 is not checked: common clients answer S1 loosely and the connection is authenticated later.
 */
public final class ServerHandshakeDecoder extends ByteToMessageDecoder {
  private final TimeSource time;
  private final Consumer<ChannelHandlerContext> onDone;
  private boolean sentResponse;
  private boolean failed;

  /** {@code time} gives S1 its time field (seconds of the wall clock). */
  public ServerHandshakeDecoder(TimeSource time, Consumer<ChannelHandlerContext> onDone) {
    this.time = time;
    this.onDone = onDone;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
    if (failed) {
      in.skipBytes(in.readableBytes());
      return;
    }
    try {
      handshake(ctx, in);
    } catch (HandshakeException e) {
      failed = true;
      in.skipBytes(in.readableBytes());
      throw e;
    }
  }

  private void handshake(ChannelHandlerContext ctx, ByteBuf in) throws HandshakeException {
    if (!sentResponse) {
      if (in.readableBytes() < 1 + HandshakeCrypto.SIZE) {
        checkVersion(in);
        return;
      }
      checkVersion(in);
      in.skipBytes(1);
      byte[] c1 = new byte[HandshakeCrypto.SIZE];
      in.readBytes(c1);
      byte[] s1s2 = HandshakeCrypto.serverResponse(c1, (int) (time.millis() / 1000));
      ByteBuf reply = Unpooled.buffer(1 + s1s2.length);
      reply.writeByte(3).writeBytes(s1s2);
      ctx.writeAndFlush(reply);
      sentResponse = true;
    }
    if (in.readableBytes() < HandshakeCrypto.SIZE) {
      return;
    }
    in.skipBytes(HandshakeCrypto.SIZE);
    onDone.accept(ctx);
    ctx.pipeline().remove(this);
  }

  private static void checkVersion(ByteBuf in) throws HandshakeException {
    if (!in.isReadable()) {
      return;
    }
    int version = in.getUnsignedByte(in.readerIndex());
    if (version != 3) {
      throw new HandshakeException(version == 6 || version == 8
          ? "encrypted RTMP (RTMPE) is not supported; use plain RTMP or RTMPS"
          : "handshake version " + version + " is not RTMP (3)");
    }
  }
}
