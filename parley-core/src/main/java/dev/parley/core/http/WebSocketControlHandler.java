package dev.parley.core.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;

/**
 * Control frames for every WebSocket endpoint: a ping is answered with a pong (and passed on so
 * the endpoint sees the activity), a close is answered and the connection closed, an oversize or
 * corrupt message closes with 1009 or 1002.
 */
final class WebSocketControlHandler extends ChannelInboundHandlerAdapter {
  private final WebSocketServerHandshaker handshaker;

  WebSocketControlHandler(WebSocketServerHandshaker handshaker) {
    this.handshaker = handshaker;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof CloseWebSocketFrame close) {
      handshaker.close(ctx.channel(), close);
      return;
    }
    if (msg instanceof PingWebSocketFrame ping) {
      ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
      // Passed on as a pong-like activity signal: endpoints count it against their idle timeout.
      ctx.fireChannelRead(new PongWebSocketFrame(ping.content()));
      return;
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
    if (cause instanceof TooLongFrameException) {
      handshaker.close(ctx.channel(), new CloseWebSocketFrame(WebSocketCloseStatus.MESSAGE_TOO_BIG));
    } else if (cause instanceof CorruptedWebSocketFrameException) {
      handshaker.close(ctx.channel(), new CloseWebSocketFrame(WebSocketCloseStatus.PROTOCOL_ERROR));
    } else {
      super.exceptionCaught(ctx, cause);
    }
  }
}
