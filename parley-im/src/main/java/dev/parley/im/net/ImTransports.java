package dev.parley.im.net;

import dev.parley.core.http.WebSocketEndpoint;
import dev.parley.im.ImService;
import dev.parley.protocol.FrameCodec;
import dev.parley.protocol.im.Error;
import dev.parley.protocol.im.ErrorCode;
import dev.parley.protocol.im.Frame;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.websocketx.WebSocketFrameDecoder;

/** The IM pipelines: TCP (varint framing) and WebSocket (on the HTTP listener). */
public final class ImTransports {
  public static final String DECODER = "im-decoder";
  public static final String WS_INBOUND = "im-ws-inbound";
  public static final String CONNECTION = "im-connection";
  public static final String WS_TOO_LARGE = "im-ws-too-large";

  private ImTransports() {}

  /** Adds the TCP handlers to a new connection. */
  public static void initTcp(Channel ch, ImService im) {
    ch.pipeline().addLast(DECODER, new ImFrameDecoder(im.settings().maxFrameBytes()));
    ch.pipeline().addLast(CONNECTION, new ImConnection(im, WireFormat.TCP));
  }

  /** A TCP connection over the per-IP cap: told why, then closed. */
  public static void rejectTcp(Channel ch) {
    Frame f = Frame.newBuilder().setError(Error.newBuilder().setCode(ErrorCode.ERROR_CODE_TOO_MANY_CONNECTIONS)
        .setMessage("too many connections from this address")).build();
    ch.writeAndFlush(Unpooled.wrappedBuffer(FrameCodec.encode(f))).addListener(ChannelFutureListener.CLOSE);
  }

  /** The IM endpoint on the HTTP listener. */
  public static WebSocketEndpoint webSocket(ImService im) {
    return new WebSocketEndpoint() {
      @Override
      public int maxMessageBytes() {
        return im.settings().maxFrameBytes();
      }

      @Override
      public void configure(Channel channel, FullHttpRequest handshake, String subprotocol) {
        ImConnection c = new ImConnection(im, WireFormat.WS_BINARY);
        channel.pipeline().addLast(WS_INBOUND, new ImWebSocketInbound());
        channel.pipeline().addLast(CONNECTION, c);
        // Before the frame decoder: the close it writes for an oversize message passes here.
        ChannelHandlerContext decoder = channel.pipeline().context(WebSocketFrameDecoder.class);
        if (decoder != null) {
          channel.pipeline().addBefore(decoder.name(), WS_TOO_LARGE, new ImWebSocketTooLarge(c, im.time()));
        }
        c.start();
      }
    };
  }
}
