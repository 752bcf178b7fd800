package dev.parley.im.net;

import dev.parley.core.time.TimeSource;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.ssl.SslHandler;
import java.time.Duration;

/**
 * Sits just before the WebSocket frame decoder and sees the close (1009, message too big) that
 * the decoder or the aggregator writes for a message over {@code im.max-frame-size}. It writes the
 * connection's {@code ERROR_CODE_FRAME_TOO_LARGE} Error first, so a WebSocket client learns the
 * reason as a TCP client does.
 *
 * <p>The client is usually still sending the rest of its oversize message then; closing the
 * socket with those bytes unread would reset the connection and could destroy the Error and the
 * close frame before the client reads them. So the close that follows only ends the output (the
 * client reads both frames, then the end), the decoder keeps discarding input, and the socket
 * closes when the client closes its side or after {@link #LINGER}.
 */
final class ImWebSocketTooLarge extends ChannelOutboundHandlerAdapter {
  /** How long a refused client may take to close its side before the server closes the socket. */
  static final Duration LINGER = Duration.ofSeconds(2);

  private final ImConnection connection;
  private final TimeSource time;
  private boolean told;
  private boolean lingering;

  ImWebSocketTooLarge(ImConnection connection, TimeSource time) {
    this.connection = connection;
    this.time = time;
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

  @Override
  public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
    if (!told || !(ctx.channel() instanceof DuplexChannel duplex) || ctx.pipeline().get(SslHandler.class) != null) {
      ctx.close(promise);
      return;
    }
    ctx.channel().closeFuture().addListener(f -> promise.trySuccess());
    if (!lingering) {
      lingering = true;
      duplex.shutdownOutput();
      time.schedule(ctx.channel().eventLoop(), () -> ctx.close(), LINGER);
    }
  }
}
