package dev.parley.im.wire;

import dev.parley.protocol.FrameCodec;
import dev.parley.protocol.JsonFrames;
import dev.parley.protocol.im.Frame;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * A frame going to one or many connections, encoded at most once per wire format, so a group
 * message fanned out to a thousand devices is serialised once. Thread-safe.
 */
public final class OutFrame {
  private Frame frame;
  private Supplier<Frame> source;
  private byte[] tcp;
  private byte[] binary;
  private byte[] json;

  public OutFrame(Frame frame) {
    this.frame = frame;
  }

  /** A frame built on first use (by whichever event loop writes it first), not by the caller. */
  public OutFrame(Supplier<Frame> source) {
    this.source = source;
  }

  public synchronized Frame frame() {
    if (frame == null) {
      frame = source.get();
      source = null;
    }
    return frame;
  }

  /** The encoding for {@code format}: TCP with its length prefix, the bare protobuf, or UTF-8 JSON. */
  public synchronized byte[] bytes(WireFormat format) {
    switch (format) {
      case TCP:
        if (tcp == null) {
          tcp = FrameCodec.encode(frame());
        }
        return tcp;
      case WS_BINARY:
        if (binary == null) {
          binary = frame().toByteArray();
        }
        return binary;
      default:
        if (json == null) {
          json = JsonFrames.toJson(frame()).getBytes(StandardCharsets.UTF_8);
        }
        return json;
    }
  }
}
