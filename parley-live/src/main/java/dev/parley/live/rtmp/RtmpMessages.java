package dev.parley.live.rtmp;

import dev.parley.live.amf.Amf0Writer;
import dev.parley.live.rtmp.chunk.ChunkEncoder;
import dev.parley.live.rtmp.chunk.MessageType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.LinkedHashMap;
import java.util.Map;

/** Builds the messages the server sends: protocol control, user control, commands and status. */
public final class RtmpMessages {
  private RtmpMessages() {}

  /** A protocol control message with a 4-byte body (set chunk size, ack, window ack size). */
  public static ByteBuf control(ByteBufAllocator alloc, int type, int value, int chunkSize) {
    byte[] body = {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
    return ChunkEncoder.encode(alloc, ChunkEncoder.CSID_CONTROL, type, 0, 0, body, chunkSize);
  }

  /** Set Peer Bandwidth: the window and the limit type (0 hard, 1 soft, 2 dynamic). */
  static ByteBuf peerBandwidth(ByteBufAllocator alloc, int window, int limitType, int chunkSize) {
    byte[] body = {(byte) (window >>> 24), (byte) (window >>> 16), (byte) (window >>> 8), (byte) window,
        (byte) limitType};
    return ChunkEncoder.encode(alloc, ChunkEncoder.CSID_CONTROL, MessageType.SET_PEER_BANDWIDTH, 0, 0, body, chunkSize);
  }

  /** A user control event with a 4-byte argument (stream id, or ping timestamp). */
  public static ByteBuf userControl(ByteBufAllocator alloc, int event, int value, int chunkSize) {
    byte[] body = {(byte) (event >>> 8), (byte) event, (byte) (value >>> 24), (byte) (value >>> 16),
        (byte) (value >>> 8), (byte) value};
    return ChunkEncoder.encode(alloc, ChunkEncoder.CSID_CONTROL, MessageType.USER_CONTROL, 0, 0, body, chunkSize);
  }

  /** An AMF0 command message (name, transaction id, then arguments). */
  public static ByteBuf command(ByteBufAllocator alloc, int streamId, int chunkSize, String name, double txn,
      Object... args) {
    ByteBuf body = Unpooled.buffer(128);
    Amf0Writer.write(body, name);
    Amf0Writer.write(body, txn);
    Amf0Writer.writeAll(body, args);
    return message(alloc, ChunkEncoder.CSID_COMMAND, MessageType.COMMAND_AMF0, streamId, body, chunkSize);
  }

  /** An AMF0 data message. */
  public static ByteBuf data(ByteBufAllocator alloc, int streamId, int chunkSize, Object... values) {
    ByteBuf body = Unpooled.buffer(64);
    Amf0Writer.writeAll(body, values);
    return message(alloc, ChunkEncoder.CSID_DATA, MessageType.DATA_AMF0, streamId, body, chunkSize);
  }

  /** {@code onStatus} on a message stream, with level, code and description. */
  public static ByteBuf status(ByteBufAllocator alloc, int streamId, int chunkSize, String level, String code,
      String description, Map<String, Object> extra) {
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("level", level);
    info.put("code", code);
    info.put("description", description);
    if (extra != null) {
      info.putAll(extra);
    }
    return command(alloc, streamId, chunkSize, "onStatus", 0, null, info);
  }

  private static ByteBuf message(ByteBufAllocator alloc, int csid, int type, int streamId, ByteBuf body, int chunkSize) {
    byte[] bytes = new byte[body.readableBytes()];
    body.readBytes(bytes);
    return ChunkEncoder.encode(alloc, csid, type, streamId, 0, bytes, chunkSize);
  }
}
