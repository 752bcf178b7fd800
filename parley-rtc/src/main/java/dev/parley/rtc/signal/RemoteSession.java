package dev.parley.rtc.signal;

import dev.parley.core.cluster.NodeBus;
import dev.parley.core.spi.ImGateway.ImSession;
import dev.parley.protocol.im.Frame;

/**
 * A session connected to another node: {@link #send} goes through the bus to that node, which
 * writes the frame to the session if it is still there. Frames one thread sends arrive in order.
 */
record RemoteSession(NodeBus bus, String node, SignalFrames.Ref ref) implements ImSession {
  @Override
  public String user() {
    return ref.user();
  }

  @Override
  public String deviceId() {
    return ref.deviceId();
  }

  @Override
  public String sessionId() {
    return ref.sessionId();
  }

  @Override
  public void send(Frame frame) {
    bus.send(node, SignalFrames.TO_SESSION, SignalFrames.addressed(ref, frame));
  }

  @Override
  public String toString() {
    return ref.user() + "/" + ref.deviceId() + " on " + node;
  }
}
