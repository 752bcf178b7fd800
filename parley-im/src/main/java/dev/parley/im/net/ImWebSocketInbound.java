package dev.parley.im.net;

import com.google.protobuf.CodedInputStream;
import dev.parley.im.wire.WireFormat;
import dev.parley.protocol.FrameException;
import dev.parley.protocol.JsonFrames;
import dev.parley.protocol.im.ErrorCode;
import dev.parley.protocol.im.Frame;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;

/**
 * Turns whole WebSocket messages into frames: binary messages carry protobuf, text messages the
 * canonical JSON mapping, an empty message is the heartbeat, a pong is activity. The connection
 * answers in the kind of message the client last used.
 */
final class ImWebSocketInbound extends ChannelInboundHandlerAdapter {
  private WireFormat current;
  private boolean failed;

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (failed) {
        return;
      }
      if (msg instanceof BinaryWebSocketFrame b) {
        switchTo(ctx, WireFormat.WS_BINARY);
        ByteBuf content = b.content();
        if (!content.isReadable()) {
          ctx.fireChannelRead(Inbound.HEARTBEAT);
          return;
        }
        try {
          ctx.fireChannelRead(Frame.parseFrom(CodedInputStream.newInstance(content.nioBuffer())));
        } catch (IOException e) {
          fail(ctx, "undecodable frame: " + e.getMessage());
        }
      } else if (msg instanceof TextWebSocketFrame t) {
        switchTo(ctx, WireFormat.WS_JSON);
        String text = t.text();
        if (text.isBlank()) {
          ctx.fireChannelRead(Inbound.HEARTBEAT);
          return;
        }
        try {
          ctx.fireChannelRead(JsonFrames.fromJson(text));
        } catch (FrameException e) {
          fail(ctx, e.getMessage());
        }
      } else if (msg instanceof PongWebSocketFrame) {
        ctx.fireChannelRead(Inbound.ACTIVITY);
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  private void switchTo(ChannelHandlerContext ctx, WireFormat f) {
    if (current != f) {
      current = f;
      ctx.fireChannelRead(f);
    }
  }

  private void fail(ChannelHandlerContext ctx, String message) {
    failed = true;
    ctx.fireChannelRead(new Inbound.Malformed(ErrorCode.ERROR_CODE_PROTOCOL_ERROR, message));
  }
}
