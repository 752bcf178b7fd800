package dev.parley.protocol;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.parley.protocol.im.ErrorCode;
import dev.parley.protocol.im.Frame;

/**
 * Protobuf's canonical JSON mapping of {@link Frame}, used by WebSocket text frames. Unknown
 * fields are ignored, as they are in the binary form.
 */
public final class JsonFrames {
  private static final JsonFormat.Printer PRINTER = JsonFormat.printer().omittingInsignificantWhitespace();
  private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();

  private JsonFrames() {}

  public static String toJson(Frame frame) {
    try {
      return PRINTER.print(frame);
    } catch (InvalidProtocolBufferException e) {
      // Only Any fields with unknown types fail to print; Frame has none.
      throw new IllegalStateException(e);
    }
  }

  public static Frame fromJson(String json) throws FrameException {
    Frame.Builder builder = Frame.newBuilder();
    try {
      PARSER.merge(json, builder);
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      throw new FrameException(ErrorCode.ERROR_CODE_PROTOCOL_ERROR, "undecodable JSON frame: " + e.getMessage(), e);
    }
    return builder.build();
  }
}
