package dev.parley.protocol;

import dev.parley.protocol.im.ErrorCode;
import dev.parley.protocol.im.Frame;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Incremental decoder of TCP frames for clients that read from plain sockets: feed it bytes as
 * they arrive, take frames out. Not thread-safe. After a {@link FrameException} the stream is
 * unusable and the connection should be closed.
 */
public final class FrameReader {
  /** Handed to the reader's sink for each complete unit on the wire. */
  public interface Sink {
    void onFrame(Frame frame);

    void onHeartbeat();
  }

  private final int maxFrameBytes;
  private byte[] buf = new byte[4096];
  private int start;
  private int end;

  /** @param maxFrameBytes largest accepted frame body; larger ones fail with FRAME_TOO_LARGE */
  public FrameReader(int maxFrameBytes) {
    if (maxFrameBytes <= 0) {
      throw new IllegalArgumentException("maxFrameBytes must be positive");
    }
    this.maxFrameBytes = maxFrameBytes;
  }

  /** Appends {@code len} bytes and hands every complete frame to {@code sink}. */
  public void feed(byte[] data, int off, int len, Sink sink) throws FrameException {
    ensureRoom(len);
    System.arraycopy(data, off, buf, end, len);
    end += len;
    drain(sink);
  }

  private void drain(Sink sink) throws FrameException {
    while (start < end) {
      long packed = Varint.read(ByteBuffer.wrap(buf, start, end - start));
      if (packed == Varint.INCOMPLETE) {
        return;
      }
      if (packed == Varint.MALFORMED) {
        throw new FrameException(ErrorCode.ERROR_CODE_PROTOCOL_ERROR, "malformed frame length");
      }
      int length = Varint.readValue(packed);
      int prefix = Varint.readLength(packed);
      if (length < 0 || length > maxFrameBytes) {
        throw new FrameException(ErrorCode.ERROR_CODE_FRAME_TOO_LARGE,
            "frame of " + Integer.toUnsignedString(length) + " bytes exceeds " + maxFrameBytes);
      }
      if (end - start - prefix < length) {
        return;
      }
      int bodyStart = start + prefix;
      start = bodyStart + length;
      if (length == 0) {
        sink.onHeartbeat();
      } else {
        sink.onFrame(FrameCodec.parse(buf, bodyStart, length));
      }
    }
    start = 0;
    end = 0;
  }

  private void ensureRoom(int len) {
    if (end + len <= buf.length) {
      return;
    }
    int live = end - start;
    if (live + len <= buf.length && start > 0) {
      System.arraycopy(buf, start, buf, 0, live);
    } else {
      buf = Arrays.copyOfRange(buf, start, start + Math.max(buf.length * 2, live + len));
    }
    start = 0;
    end = live;
  }
}
