package dev.parley.live.rtmp.chunk;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;

/**
 * Splits messages into chunks. Every message starts with a type-0 header (so the bytes of a
 * message do not depend on what was sent before, and one encoding can be shared by every viewer),
 * continues with type-3 headers, and repeats the extended timestamp on each type-3 chunk when the
 * timestamp needs one (as FFmpeg and Flash expect).
 */
public final class ChunkEncoder {
  private ChunkEncoder() {}

  /** Conventional chunk streams: protocol control, commands, audio, video, data. */
  public static final int CSID_CONTROL = 2;
  public static final int CSID_COMMAND = 3;
  public static final int CSID_AUDIO = 4;
  public static final int CSID_VIDEO = 6;
  public static final int CSID_DATA = 5;

  /** The encoded size of a message. */
  static int encodedSize(int csid, long timestamp, int length, int chunkSize) {
    int basic = basicHeaderSize(csid);
    boolean ext = (timestamp & 0xFFFFFFFFL) >= 0xFFFFFF;
    int chunks = length == 0 ? 1 : (length + chunkSize - 1) / chunkSize;
    return basic + 11 + (ext ? 4 : 0) + length + (chunks - 1) * (basic + (ext ? 4 : 0));
  }

  /** Encodes a message into a new buffer. */
  public static ByteBuf encode(ByteBufAllocator alloc, int csid, int type, int streamId, long timestamp,
      byte[] payload, int chunkSize) {
    checkChunkStreamId(csid); // before allocating: a refused id leaves nothing to release
    ByteBuf out = alloc.buffer(encodedSize(csid, timestamp, payload.length, chunkSize));
    encode(out, csid, type, streamId, timestamp, payload, 0, payload.length, chunkSize);
    return out;
  }

  /** Encodes a message into a byte array (shared by every viewer of a stream). */
  public static byte[] encodeToArray(int csid, int type, int streamId, long timestamp, byte[] payload, int chunkSize) {
    int size = encodedSize(csid, timestamp, payload.length, chunkSize);
    byte[] arr = new byte[size];
    ByteBuf out = Unpooled.wrappedBuffer(arr);
    out.writerIndex(0);
    encode(out, csid, type, streamId, timestamp, payload, 0, payload.length, chunkSize);
    return arr;
  }

  /** Encodes {@code length} bytes of {@code payload} from {@code offset} as one message. */
  public static void encode(ByteBuf out, int csid, int type, int streamId, long timestamp, byte[] payload, int offset,
      int length, int chunkSize) {
    long ts = timestamp & 0xFFFFFFFFL;
    boolean ext = ts >= 0xFFFFFF;
    basicHeader(out, 0, csid);
    out.writeMedium(ext ? 0xFFFFFF : (int) ts);
    out.writeMedium(length);
    out.writeByte(type);
    out.writeIntLE(streamId);
    if (ext) {
      out.writeInt((int) ts);
    }
    int written = 0;
    do {
      int n = Math.min(chunkSize, length - written);
      if (written > 0) {
        basicHeader(out, 3, csid);
        if (ext) {
          out.writeInt((int) ts);
        }
      }
      out.writeBytes(payload, offset + written, n);
      written += n;
    } while (written < length);
  }

  private static int basicHeaderSize(int csid) {
    return csid < 64 ? 1 : csid < 320 ? 2 : 3;
  }

  private static void checkChunkStreamId(int csid) {
    if (csid < 2 || csid > 65599) {
      throw new IllegalArgumentException("chunk stream id " + csid + " outside 2..65599");
    }
  }

  private static void basicHeader(ByteBuf out, int fmt, int csid) {
    checkChunkStreamId(csid);
    if (csid < 64) {
      out.writeByte((fmt << 6) | csid);
    } else if (csid < 320) {
      out.writeByte(fmt << 6).writeByte(csid - 64);
    } else {
      out.writeByte((fmt << 6) | 1).writeByte((csid - 64) & 0xFF).writeByte((csid - 64) >> 8);
    }
  }
}
