package dev.parley.im.net;

import dev.parley.im.wire.OutFrame;
import dev.parley.im.wire.WireFormat;
import dev.parley.protocol.im.Frame;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;

/**
 * What a connection writes, per wire format: encoded frames, the heartbeat, and the end of the
 * connection (a WebSocket ends with a close handshake). Event loop of the channel.
 */
final class WireWrites {
  private WireWrites() {}

  /** An encoded frame ready for the channel: a buffer on TCP, a binary or text message on WebSocket. */
  static Object encode(WireFormat format, byte[] bytes) {
    switch (format) {
      case TCP:
        return Unpooled.wrappedBuffer(bytes);
      case WS_BINARY:
        return new BinaryWebSocketFrame(Unpooled.wrappedBuffer(bytes));
      default:
        return new TextWebSocketFrame(Unpooled.wrappedBuffer(bytes));
    }
  }

  /** {@code frame} encoded for the channel (a frame written once; fan-out shares an OutFrame instead). */
  static Object encode(WireFormat format, Frame frame) {
    return encode(format, new OutFrame(frame).bytes(format));
  }

  /** Answers a heartbeat: a zero length on TCP, an empty message of the client's kind on WebSocket. */
  static void heartbeat(Channel channel, WireFormat format) {
    if (format == WireFormat.TCP) {
      channel.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {0}), channel.voidPromise());
    } else if (format == WireFormat.WS_JSON) {
      channel.writeAndFlush(new TextWebSocketFrame(Unpooled.EMPTY_BUFFER), channel.voidPromise());
    } else {
      channel.writeAndFlush(new BinaryWebSocketFrame(Unpooled.EMPTY_BUFFER), channel.voidPromise());
    }
  }

  /** Writes {@code encoded} as the last frame and closes (a WebSocket with a normal close after it). */
  static void lastAndClose(Channel channel, WireFormat format, Object encoded) {
    if (format == WireFormat.TCP) {
      channel.writeAndFlush(encoded).addListener(ChannelFutureListener.CLOSE);
    } else {
      // A WebSocket ends with a close handshake; the reason is in the frame before it.
      channel.write(encoded, channel.voidPromise());
      channel.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE))
          .addListener(ChannelFutureListener.CLOSE);
    }
  }

  /** Closes at once: the socket on TCP, a WebSocket with 1001 (going away). */
  static void closeNow(Channel channel, WireFormat format) {
    if (format == WireFormat.TCP) {
      channel.close();
    } else {
      channel.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.ENDPOINT_UNAVAILABLE))
          .addListener(ChannelFutureListener.CLOSE);
    }
  }

  /**
   * Bytes waiting in the channel's outbound buffer while it is not writable, from what the channel
   * says without reaching into its internals: above the low water mark they are
   * {@code bytesBeforeWritable()} plus that mark, less one. Exact whenever the low water mark
   * ({@code server.write-buffer-low}) is at most {@code im.max-outbound-bytes}, as by default; 0
   * once the channel has closed (it has no buffer then).
   */
  static long pendingBytes(Channel channel) {
    long beforeWritable = channel.bytesBeforeWritable();
    if (beforeWritable == 0 || beforeWritable == Long.MAX_VALUE) {
      return 0;
    }
    return beforeWritable + channel.config().getWriteBufferLowWaterMark() - 1;
  }
}
