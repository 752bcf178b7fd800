package dev.parley.protocol;

import dev.parley.protocol.im.Frame;
import java.util.ArrayList;
import java.util.List;

/** A reader's sink that keeps what it was handed: each frame, and {@link #HEARTBEAT} for each heartbeat. */
final class RecordingSink implements FrameReader.Sink {
  static final String HEARTBEAT = "heartbeat";

  final List<Object> received = new ArrayList<>();

  @Override
  public void onFrame(Frame frame) {
    received.add(frame);
  }

  @Override
  public void onHeartbeat() {
    received.add(HEARTBEAT);
  }
}
