package dev.parley.live.rtmp.chunk;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reassembles RTMP messages from chunks: all four header types, 1-3 byte basic headers, extended
 * timestamps (also on type-3 chunks, where some clients repeat them and others do not: the four
 * bytes are taken as a repeat when they equal the extended value in force), set chunk size and
 * abort (acted on here, since they change how the next bytes are read). Emits {@link RtmpMessage}.
 * A chunk is consumed only once it is whole, so the decoder holds no partial header state.
 */
public final class ChunkDecoder extends ByteToMessageDecoder {
  private static final int MAX_CHUNK_STREAMS = 256;

  private final int maxMessageSize;
  private final int maxChunkSize;
  private final ChunkStream[] streams = new ChunkStream[MAX_CHUNK_STREAMS];
  private final Map<Integer, ChunkStream> highStreams = new HashMap<>();
  private int chunkSize = 128;
  private long bytesReceived;
  private boolean failed;

  /** What the decoder remembers of one chunk stream. */
  private static final class ChunkStream {
    long timestamp;
    long tsField;
    boolean extended;
    int length;
    int type;
    int streamId;
    byte[] buf;
    int filled;
    boolean inProgress;
  }

  /**
   * @param maxMessageSize largest message accepted (bounds memory per connection)
   * @param maxChunkSize largest chunk size a peer may set
   */
  public ChunkDecoder(int maxMessageSize, int maxChunkSize) {
    this.maxMessageSize = maxMessageSize;
    this.maxChunkSize = maxChunkSize;
  }

  /** Bytes consumed so far, for acknowledgements. */
  public long bytesReceived() {
    return bytesReceived;
  }

  /** The peer's current chunk size. */
  public int chunkSize() {
    return chunkSize;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
    if (failed) {
      in.skipBytes(in.readableBytes()); // the connection is closing: ignore the rest
      return;
    }
    try {
      while (true) {
        RtmpMessage m = decodeOne(in);
        if (m == null) {
          return;
        }
        out.add(m);
      }
    } catch (RtmpProtocolException e) {
      failed = true;
      in.skipBytes(in.readableBytes());
      throw e;
    }
  }

  /** Decodes chunks until one completes a message; null when more bytes are needed. */
  RtmpMessage decodeOne(ByteBuf in) throws RtmpProtocolException {
    while (true) {
      int start = in.readerIndex();
      int avail = in.readableBytes();
      if (avail < 1) {
        return null;
      }
      int b0 = in.getUnsignedByte(start);
      int fmt = b0 >>> 6;
      int csid = b0 & 0x3F;
      int pos = 1;
      if (csid == 0) {
        if (avail < 2) {
          return null;
        }
        csid = 64 + in.getUnsignedByte(start + 1);
        pos = 2;
      } else if (csid == 1) {
        if (avail < 3) {
          return null;
        }
        csid = 64 + in.getUnsignedByte(start + 1) + (in.getUnsignedByte(start + 2) << 8);
        pos = 3;
      }
      int headerLen = fmt == 0 ? 11 : fmt == 1 ? 7 : fmt == 2 ? 3 : 0;
      if (avail < pos + headerLen) {
        return null;
      }
      ChunkStream cs = stream(csid, fmt);
      long tsField = cs.tsField;
      boolean extended = cs.extended;
      int length = cs.length;
      int type = cs.type;
      int streamId = cs.streamId;
      if (fmt <= 2) {
        tsField = in.getUnsignedMedium(start + pos);
        if (fmt <= 1) {
          length = in.getUnsignedMedium(start + pos + 3);
          type = in.getUnsignedByte(start + pos + 6);
          if (fmt == 0) {
            streamId = in.getIntLE(start + pos + 7);
          }
        }
        pos += headerLen;
        extended = tsField == 0xFFFFFF;
        if (extended) {
          if (avail < pos + 4) {
            return null;
          }
          tsField = in.getUnsignedInt(start + pos);
          pos += 4;
        }
      } else if (extended) {
        // A repeat when the next bytes are (a prefix of) the extended value in force.
        int have = Math.min(4, avail - pos);
        boolean repeat = true;
        for (int i = 0; i < have && repeat; i++) {
          repeat = in.getUnsignedByte(start + pos + i) == ((tsField >>> (24 - 8 * i)) & 0xFF);
        }
        if (repeat) {
          if (have < 4) {
            return null;
          }
          pos += 4;
        }
      }
      boolean newMessage = !cs.inProgress || fmt != 3;
      if (newMessage && fmt != 3 && length > maxMessageSize) {
        throw new RtmpProtocolException("message of " + length + " bytes on chunk stream " + csid
            + " exceeds the limit of " + maxMessageSize);
      }
      int filled = newMessage ? 0 : cs.filled;
      int chunkLen = Math.min(chunkSize, length - filled);
      if (avail < pos + chunkLen) {
        return null;
      }
      // The chunk is whole: commit the header to the chunk stream's state.
      in.skipBytes(pos);
      bytesReceived += pos + chunkLen;
      if (newMessage) {
        cs.timestamp = fmt == 0 ? tsField : (cs.timestamp + tsField) & 0xFFFFFFFFL;
        cs.tsField = tsField;
        cs.extended = extended;
        cs.length = length;
        cs.type = type;
        cs.streamId = streamId;
        cs.filled = 0;
        cs.inProgress = true;
        if (cs.buf == null || cs.buf.length < Math.min(length, 65536)) {
          cs.buf = new byte[Math.min(length, 65536)];
        }
      }
      if (cs.filled + chunkLen > cs.buf.length) {
        cs.buf = Arrays.copyOf(cs.buf, Math.min(length, Math.max(cs.filled + chunkLen, cs.buf.length * 2)));
      }
      in.readBytes(cs.buf, cs.filled, chunkLen);
      cs.filled += chunkLen;
      if (cs.filled < cs.length) {
        continue;
      }
      cs.inProgress = false;
      byte[] payload = cs.buf.length == cs.length ? cs.buf : Arrays.copyOf(cs.buf, cs.length);
      cs.buf = null;
      RtmpMessage m = new RtmpMessage(csid, cs.type, cs.timestamp, cs.streamId, payload);
      if (control(m)) {
        continue;
      }
      return m;
    }
  }

  /** Acts on set chunk size and abort; true when the message is consumed here. */
  private boolean control(RtmpMessage m) throws RtmpProtocolException {
    if (m.type() == MessageType.SET_CHUNK_SIZE) {
      if (m.payload().length < 4) {
        throw new RtmpProtocolException("set chunk size message shorter than 4 bytes");
      }
      int size = readInt(m.payload()) & 0x7FFFFFFF;
      if (size < 1 || size > maxChunkSize) {
        throw new RtmpProtocolException("chunk size " + size + " outside 1.." + maxChunkSize);
      }
      chunkSize = size;
      return true;
    }
    if (m.type() == MessageType.ABORT) {
      if (m.payload().length < 4) {
        throw new RtmpProtocolException("abort message shorter than 4 bytes");
      }
      ChunkStream cs = existing(readInt(m.payload()));
      if (cs != null) {
        cs.inProgress = false;
        cs.buf = null;
        cs.filled = 0;
      }
      return true;
    }
    return false;
  }

  private ChunkStream stream(int csid, int fmt) throws RtmpProtocolException {
    ChunkStream cs = existing(csid);
    if (cs == null) {
      if (fmt != 0) {
        throw new RtmpProtocolException("chunk stream " + csid + " starts with a type " + fmt + " header, not type 0");
      }
      if (csid < MAX_CHUNK_STREAMS) {
        cs = streams[csid] = new ChunkStream();
      } else {
        if (highStreams.size() >= MAX_CHUNK_STREAMS) {
          throw new RtmpProtocolException("too many chunk streams");
        }
        cs = new ChunkStream();
        highStreams.put(csid, cs);
      }
    }
    return cs;
  }

  private ChunkStream existing(int csid) {
    return csid >= 0 && csid < MAX_CHUNK_STREAMS ? streams[csid] : highStreams.get(csid);
  }

  static int readInt(byte[] b) {
    return ((b[0] & 0xFF) << 24) | ((b[1] & 0xFF) << 16) | ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
  }
}
