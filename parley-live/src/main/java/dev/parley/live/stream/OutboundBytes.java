package dev.parley.live.stream;

import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;

/**
 * The bytes waiting in a channel's outbound buffer (written, not yet taken by the socket, each
 * with Netty's per-message overhead), read through the channel's public writability API rather
 * than its outbound buffer. Netty defines, on the channel's event loop:
 *
 * <ul>
 *   <li>writable: {@code bytesBeforeUnwritable = highWaterMark - pending + 1}, positive (a channel
 *       turns unwritable only once pending passes the high water mark);
 *   <li>not writable: {@code bytesBeforeWritable = pending - lowWaterMark + 1}, positive (it turns
 *       writable again once pending falls below the low water mark);
 *   <li>closed (no outbound buffer): not writable, {@code bytesBeforeWritable} is
 *       {@link Long#MAX_VALUE}.
 * </ul>
 *
 * <p>So the pending count follows exactly from either figure. {@code OutboundBytesTest} holds this
 * against the outbound buffer itself, so a Netty upgrade that changes the arithmetic fails there.
 */
final class OutboundBytes {
  /** What a closed channel has pending: more than any queue bound, so nothing more is written. */
  static final long CLOSED = Long.MAX_VALUE / 2;

  private OutboundBytes() {}

  /** Bytes pending on {@code channel}; call on its event loop. */
  static long pending(Channel channel) {
    ChannelConfig config = channel.config();
    if (channel.isWritable()) {
      long room = channel.bytesBeforeUnwritable();
      return config.getWriteBufferHighWaterMark() + 1L - Math.max(room, 1);
    }
    long over = channel.bytesBeforeWritable();
    if (over == Long.MAX_VALUE) {
      return CLOSED;
    }
    return config.getWriteBufferLowWaterMark() - 1L + Math.max(over, 1);
  }
}
