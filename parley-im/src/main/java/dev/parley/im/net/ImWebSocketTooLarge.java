package dev.parley.im.net;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;

/**
 * Sits just before the WebSocket frame decoder and sees the close (1009, message too big) that
 * the decoder or the aggregator writes for a message over {@code im.max-frame-size}. It writes the
 * connection's {@code ERROR_CODE_FRAME_TOO_LARGE} Error first, so a WebSocket client learns the
 * reason as a TCP client does.
 */
final class ImWebSocketTooLarge extends ChannelOutboundHandlerAdapter {
  private final ImConnection connection;
  private boolean told;

  ImWebSocketTooLarge(ImConnection connection) {
    this.connection = connection;
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (!told && msg instanceof CloseWebSocketFrame close
        && close.statusCode() == WebSocketCloseStatus.MESSAGE_TOO_BIG.code()) {
      told = true;
      ctx.write(connection.frameTooLargeError(), ctx.voidPromise());
    }
    ctx.write(msg, promise);
  }
}
