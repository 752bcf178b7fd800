package dev.parley.live.media;

import dev.parley.live.rtmp.chunk.ChunkEncoder;
import dev.parley.live.rtmp.chunk.MessageType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * One audio, video or data message of a stream, exactly as the publisher sent it (an FLV tag
 * body). Immutable and shared by every viewer: the RTMP chunk encoding and the HTTP-FLV chunk of a
 * frame are made once, by whichever viewer needs them first, and then written to every viewer.
 */
public final class MediaFrame {
  private final int type;
  private final long timestamp;
  private final byte[] payload;
  private final long sequence;
  private final int flags;
  private volatile ByteBuf rtmp;
  private volatile byte[] flvTag;
  private volatile ByteBuf httpFlvChunk;

  private static final int KEYFRAME = 1;
  private static final int CONFIG = 2;

  /**
   * @param type {@link MessageType#AUDIO}, {@link MessageType#VIDEO} or {@link MessageType#DATA_AMF0}
   * @param timestamp milliseconds, with 32-bit rollover undone
   * @param payload the tag body; not copied, must not change afterwards
   * @param sequence position in the stream (for viewers joining while frames are in flight)
   */
  public MediaFrame(int type, long timestamp, byte[] payload, long sequence) {
    this.type = type;
    this.timestamp = timestamp;
    this.payload = payload;
    this.sequence = sequence;
    int f = 0;
    if (type == MessageType.VIDEO && Codecs.isVideoKeyframe(payload)) {
      f |= KEYFRAME;
    }
    if (type == MessageType.VIDEO ? Codecs.isVideoConfig(payload) : type == MessageType.AUDIO && Codecs.isAudioConfig(payload)) {
      f |= CONFIG;
    }
    this.flags = f;
  }

  public int type() {
    return type;
  }

  public long timestamp() {
    return timestamp;
  }

  public byte[] payload() {
    return payload;
  }

  public long sequence() {
    return sequence;
  }

  public boolean isVideo() {
    return type == MessageType.VIDEO;
  }

  public boolean isAudio() {
    return type == MessageType.AUDIO;
  }

  /** A video frame a decoder can start from (FLV frame type 1). */
  public boolean isKeyframe() {
    return (flags & KEYFRAME) != 0;
  }

  /** A sequence header (AVC/HEVC decoder configuration, AAC AudioSpecificConfig, enhanced SequenceStart). */
  public boolean isConfig() {
    return (flags & CONFIG) != 0;
  }

  /** The same frame at another timestamp (sequence headers sent to a new viewer), with a new sequence. */
  public MediaFrame withTimestamp(long ts) {
    return new MediaFrame(type, ts, payload, sequence);
  }

  /**
   * This frame as an RTMP message on message stream 1, chunked at {@code chunkSize}, for writing
   * to any number of connections: each write takes a {@link ByteBuf#duplicate()} of it.
   */
  public ByteBuf rtmp(int chunkSize) {
    ByteBuf r = rtmp;
    if (r == null) {
      r = shared(rtmp(chunkSize, 1));
      rtmp = r;
    }
    return r;
  }

  /** This frame as an RTMP message on another message stream (not cached). */
  public byte[] rtmp(int chunkSize, int streamId) {
    int csid = type == MessageType.AUDIO ? ChunkEncoder.CSID_AUDIO
        : type == MessageType.VIDEO ? ChunkEncoder.CSID_VIDEO : ChunkEncoder.CSID_DATA;
    return ChunkEncoder.encodeToArray(csid, type, streamId, timestamp, payload, chunkSize);
  }

  /** This frame as an FLV tag followed by its previous-tag-size field. */
  public byte[] flvTag() {
    byte[] t = flvTag;
    if (t == null) {
      t = Flv.tag(type, timestamp, payload);
      flvTag = t;
    }
    return t;
  }

  /** The FLV tag framed as one HTTP/1.1 chunk (size line, tag, CRLF), shared like {@link #rtmp(int)}. */
  public ByteBuf httpFlvChunk() {
    ByteBuf c = httpFlvChunk;
    if (c == null) {
      c = shared(httpChunk(flvTag()));
      httpFlvChunk = c;
    }
    return c;
  }

  /**
   * Bytes every viewer writes: off-heap, so the socket writes them without a copy per viewer, and
   * unreleasable, so viewers write plain duplicates without reference counting; the memory goes
   * back when the frame is unreachable (the GOP cache moved on and every write finished).
   */
  public static ByteBuf shared(byte[] bytes) {
    ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length);
    direct.put(bytes).flip();
    return Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(direct));
  }

  /** Frames {@code body} as one HTTP/1.1 chunk. */
  public static byte[] httpChunk(byte[] body) {
    byte[] head = (Integer.toHexString(body.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[head.length + body.length + 2];
    System.arraycopy(head, 0, out, 0, head.length);
    System.arraycopy(body, 0, out, head.length, body.length);
    out[out.length - 2] = '\r';
    out[out.length - 1] = '\n';
    return out;
  }

  @Override
  public String toString() {
    return "MediaFrame[type=" + type + ", ts=" + timestamp + ", " + payload.length + " bytes"
        + (isKeyframe() ? ", key" : "") + (isConfig() ? ", config" : "") + "]";
  }
}
