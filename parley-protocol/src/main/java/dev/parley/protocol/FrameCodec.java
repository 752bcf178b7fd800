package dev.parley.protocol;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import dev.parley.protocol.im.ErrorCode;
import dev.parley.protocol.im.Frame;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * TCP framing of the IM protocol: a varint length, then that many bytes of a protobuf
 * {@link Frame}. A zero length (the single byte {@code 0x00}) is the heartbeat.
 */
public final class FrameCodec {
  /** The heartbeat on TCP: an empty frame. */
  private static final byte[] HEARTBEAT = {0};

  private FrameCodec() {}

  /** A fresh copy of the one-byte heartbeat. */
  public static byte[] heartbeat() {
    return HEARTBEAT.clone();
  }

  /** Encodes {@code frame} with its length prefix. */
  public static byte[] encode(Frame frame) {
    int size = frame.getSerializedSize();
    int prefix = Varint.size(size);
    byte[] out = new byte[prefix + size];
    Varint.write(out, 0, size);
    CodedOutputStream cos = CodedOutputStream.newInstance(out, prefix, size);
    try {
      frame.writeTo(cos);
      cos.checkNoSpaceLeft();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /** Parses the body of one frame (without its length prefix). */
  public static Frame parse(byte[] body, int offset, int length) throws FrameException {
    try {
      return Frame.parseFrom(CodedInputStream.newInstance(body, offset, length));
    } catch (IOException e) {
      throw new FrameException(ErrorCode.ERROR_CODE_PROTOCOL_ERROR, "undecodable frame: " + e.getMessage(), e);
    }
  }
}
