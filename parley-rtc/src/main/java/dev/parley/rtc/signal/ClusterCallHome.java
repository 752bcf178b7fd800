package dev.parley.rtc.signal;

import dev.parley.core.cluster.NodeBus;
import dev.parley.core.spi.ImGateway.FrameHandler;
import dev.parley.core.spi.ImGateway.ImSession;
import dev.parley.protocol.im.Frame;

/**
 * {@link CallHome} of a cluster node: call ids end in {@code @<node id>} (node ids have no
 * {@code @}), frames for another node's calls go there as {@code rtc.call} bus messages, in the
 * order the session's event loop sends them.
 */
public final class ClusterCallHome implements CallHome {
  private static final char SEPARATOR = '@';

  private final NodeBus bus;

  public ClusterCallHome(NodeBus bus) {
    this.bus = bus;
  }

  @Override
  public String idSuffix() {
    return SEPARATOR + bus.nodeId();
  }

  @Override
  public boolean forwarded(ImSession from, Frame frame, String callId) {
    int at = callId.lastIndexOf(SEPARATOR);
    String home = at < 0 ? null : callId.substring(at + 1);
    if (home == null || home.equals(bus.nodeId())) {
      return false;
    }
    bus.send(home, SignalFrames.TO_HOME,
        SignalFrames.addressed(ClusterSignalRoutes.ref(from), frame));
    return true;
  }

  @Override
  public void receive(FrameHandler handler) {
    bus.listen(SignalFrames.TO_HOME, (from, payload) -> {
      SignalFrames.Addressed a = SignalFrames.addressed(payload);
      handler.handle(new RemoteSession(bus, from, a.session()), a.frame());
    });
  }
}
