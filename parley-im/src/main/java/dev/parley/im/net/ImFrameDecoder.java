package dev.parley.im.net;

import com.google.protobuf.CodedInputStream;
import dev.parley.protocol.im.ErrorCode;
import dev.parley.protocol.im.Frame;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.io.IOException;
import java.util.List;

/**
 * TCP framing: a varint length, then a protobuf {@link Frame}; length zero is the heartbeat. The
 * length is checked against the limit before anything is buffered. After malformed input it
 * emits one {@link Inbound.Malformed} and discards everything that follows.
 */
public final class ImFrameDecoder extends ByteToMessageDecoder {
  private final int maxFrameBytes;
  private boolean failed;

  public ImFrameDecoder(int maxFrameBytes) {
    this.maxFrameBytes = maxFrameBytes;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    while (!failed && in.isReadable()) {
      int start = in.readerIndex();
      int length = 0;
      int shift = 0;
      int i = 0;
      boolean complete = false;
      while (in.isReadable()) {
        byte b = in.readByte();
        if (i == 4 && (b & 0xF8) != 0) {
          fail(in, out, ErrorCode.ERROR_CODE_PROTOCOL_ERROR, "malformed frame length");
          return;
        }
        length |= (b & 0x7F) << shift;
        shift += 7;
        i++;
        if (b >= 0) {
          complete = true;
          break;
        }
      }
      if (!complete) {
        in.readerIndex(start);
        return;
      }
      if (length > maxFrameBytes) {
        fail(in, out, ErrorCode.ERROR_CODE_FRAME_TOO_LARGE,
            "frame of " + length + " bytes exceeds the limit of " + maxFrameBytes);
        return;
      }
      if (in.readableBytes() < length) {
        in.readerIndex(start);
        return;
      }
      if (length == 0) {
        out.add(Inbound.HEARTBEAT);
        continue;
      }
      try {
        out.add(Frame.parseFrom(CodedInputStream.newInstance(in.nioBuffer(in.readerIndex(), length))));
      } catch (IOException e) {
        fail(in, out, ErrorCode.ERROR_CODE_PROTOCOL_ERROR, "undecodable frame: " + e.getMessage());
        return;
      }
      in.skipBytes(length);
    }
    if (failed) {
      in.skipBytes(in.readableBytes());
    }
  }

  private void fail(ByteBuf in, List<Object> out, ErrorCode code, String message) {
    failed = true;
    in.skipBytes(in.readableBytes());
    out.add(new Inbound.Malformed(code, message));
  }
}
