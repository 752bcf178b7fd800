package dev.parley.im.net;

import dev.parley.core.http.WebSocketEndpoint;
import dev.parley.core.time.TimeSource;
import dev.parley.im.config.ImSettings;
import dev.parley.im.handler.RequestHandler;
import dev.parley.im.login.Logins;
import dev.parley.im.login.SessionLifecycle;
import dev.parley.im.metrics.ImMetrics;
import dev.parley.im.wire.ErrorFrames;
import dev.parley.im.wire.WireFormat;
import dev.parley.protocol.FrameCodec;
import dev.parley.protocol.im.ErrorCode;
import dev.parley.protocol.im.Frame;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.websocketx.WebSocketFrameDecoder;
import java.util.concurrent.CompletableFuture;

/**
 * The IM pipelines, TCP (varint framing) and WebSocket (on the HTTP listener), built here and only
 * here (the final order of each is in {@link ImHandlerNames}), and the open connections they make.
 */
public final class ImTransports {
  private final ConnectionContext cx;

  public ImTransports(ImSettings settings, ImMetrics metrics, TimeSource time, Logins logins, RequestHandler requests,
      SessionLifecycle sessions) {
    this.cx = new ConnectionContext(settings, metrics, time, new Sweeper(Sweeper.periodFor(settings), time),
        new Deadlines(settings), new OpenConnections(), logins, requests, sessions);
  }

  /** Adds the TCP handlers to a new connection (between core's TLS and its last exception handler). */
  public void initTcp(Channel ch) {
    ChannelPipeline p = ch.pipeline();
    p.addLast(ImHandlerNames.DECODER, new ImFrameDecoder(cx.settings().maxFrameBytes()));
    p.addLast(ImHandlerNames.CONNECTION, new ImConnection(cx, WireFormat.TCP));
  }

  /** A TCP connection over the per-IP cap: told why, then closed. */
  public static void rejectTcp(Channel ch) {
    Frame f = ErrorFrames.error(0, ErrorCode.ERROR_CODE_TOO_MANY_CONNECTIONS, "too many connections from this address", 0);
    ch.writeAndFlush(Unpooled.wrappedBuffer(FrameCodec.encode(f))).addListener(ChannelFutureListener.CLOSE);
  }

  /** The IM endpoint on the HTTP listener: adds IM's handlers once the upgrade is accepted. */
  public WebSocketEndpoint webSocket() {
    return new WebSocketEndpoint() {
      @Override
      public int maxMessageBytes() {
        return cx.settings().maxFrameBytes();
      }

      @Override
      public void configure(Channel channel, FullHttpRequest handshake, String subprotocol) {
        ChannelPipeline p = channel.pipeline();
        ImConnection c = new ImConnection(cx, WireFormat.WS_BINARY);
        p.addLast(ImHandlerNames.WS_INBOUND, new ImWebSocketInbound());
        p.addLast(ImHandlerNames.CONNECTION, c);
        // Before the frame decoder: the close it writes for an oversize message passes here.
        ChannelHandlerContext decoder = p.context(WebSocketFrameDecoder.class);
        if (decoder != null) {
          p.addBefore(decoder.name(), ImHandlerNames.WS_TOO_LARGE, new ImWebSocketTooLarge(c, cx.time()));
        }
        c.start();
      }
    };
  }

  /**
   * Tells every connection, and every one that opens from now on, to go away and reconnect after
   * {@code reconnectAfterMs}. The future completes when the last connection has closed.
   */
  public CompletableFuture<Void> goAway(int reconnectAfterMs) {
    return cx.open().goAway(reconnectAfterMs);
  }

  /** Closes every connection still open (the shutdown grace is over). */
  public void closeAll() {
    cx.open().closeAll();
  }
}
