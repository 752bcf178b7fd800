package dev.parley.rtc.net;

import dev.parley.rtc.stun.ChannelData;
import dev.parley.rtc.stun.StunDecoder;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Splits a TCP or TLS byte stream into STUN messages and ChannelData frames (RFC 8656 section
 * 12.5, RFC 8489 section 6.2.2): the first two bits tell which; a STUN message is 20 bytes plus its
 * length field, a ChannelData frame 4 bytes plus its length padded to 4 (the padding is dropped
 * here). A stream that is neither, or a frame over the size limit, yields one {@link Malformed}
 * and the rest of the input is discarded: the handler answers by closing the connection.
 */
final class StunFrameDecoder extends ByteToMessageDecoder {
  /** The stream broke framing. */
  record Malformed(String reason) {}

  private final int maxFrame;
  private boolean failed;

  /** @param maxFrame the largest frame accepted, header included */
  StunFrameDecoder(int maxFrame) {
    this.maxFrame = maxFrame;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    while (!failed && in.readableBytes() >= 4) {
      int start = in.readerIndex();
      int first = in.getUnsignedByte(start);
      int length = in.getUnsignedShort(start + 2);
      int frame;
      int keep;
      if (StunDecoder.isStun(first)) {
        if ((length & 3) != 0) {
          fail(in, out, "STUN message length " + length + " is not a multiple of 4");
          return;
        }
        frame = StunDecoder.HEADER + length;
        keep = frame;
      } else if (ChannelData.isChannelData(first)) {
        frame = ChannelData.frameLength(length, true);
        keep = ChannelData.HEADER + length;
      } else {
        fail(in, out, "neither STUN nor ChannelData (first byte 0x" + Integer.toHexString(first) + ")");
        return;
      }
      if (frame > maxFrame) {
        fail(in, out, "frame of " + frame + " bytes exceeds the limit of " + maxFrame);
        return;
      }
      if (in.readableBytes() < frame) {
        return;
      }
      out.add(in.retainedSlice(start, keep));
      in.skipBytes(frame);
    }
    if (failed) {
      in.skipBytes(in.readableBytes());
    }
  }

  private void fail(ByteBuf in, List<Object> out, String reason) {
    failed = true;
    in.skipBytes(in.readableBytes());
    out.add(new Malformed(reason));
  }
}
