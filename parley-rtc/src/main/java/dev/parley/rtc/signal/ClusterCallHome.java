package dev.parley.rtc.signal;

import dev.parley.core.cluster.NodeBus;
import dev.parley.core.spi.ImGateway.FrameHandler;
import dev.parley.core.spi.ImGateway.ImSession;
import dev.parley.protocol.im.Frame;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Predicate;

/**
 * {@link CallHome}, {@link RoomHome} and {@link CallBusy} of a cluster node: call ids end in
 * {@code @<node id>} (node ids have no {@code @}); a room is held by the node that claimed
 * {@code rtc.room:<name>} on the bus; a node holds {@code rtc.busy:<user>} while the user is busy
 * in one of its calls. Frames for another node's calls and rooms go there as {@code rtc.call} bus
 * messages, in the order the signaling executor sends them.
 */
public final class ClusterCallHome implements CallHome, RoomHome, CallBusy {
  private static final char SEPARATOR = '@';
  private static final String ROOM_KEY = "rtc.room:";
  private static final String ROOM_FIELD = "home";
  private static final String BUSY_KEY = "rtc.busy:";
  private static final String BUSY_FIELD = "calls";

  private final NodeBus bus;
  private final Predicate<String> alive;

  /**
   * @param alive whether a node is in this node's view of the cluster
   */
  public ClusterCallHome(NodeBus bus, Predicate<String> alive) {
    this.bus = bus;
    this.alive = alive;
  }

  @Override
  public boolean clustered() {
    return true;
  }

  @Override
  public void changed(String user, boolean busy) {
    if (busy) {
      bus.hold(BUSY_KEY + user, BUSY_FIELD, "1");
    } else {
      bus.release(BUSY_KEY + user, BUSY_FIELD);
    }
  }

  @Override
  public CompletionStage<Boolean> elsewhere(String user) {
    String key = BUSY_KEY + user;
    return bus.heldElsewhere(List.of(key)).thenApply(held -> held.containsKey(key));
  }

  @Override
  public CompletionStage<String> locate(String room) {
    return bus.claim(ROOM_KEY + room, ROOM_FIELD, bus.nodeId())
        .thenApply(held -> held.node().equals(bus.nodeId()) ? HERE : held.node());
  }

  @Override
  public void released(String room) {
    bus.release(ROOM_KEY + room, ROOM_FIELD);
  }

  @Override
  public boolean alive(String node) {
    return alive.test(node);
  }

  @Override
  public void forward(String node, ImSession from, Frame frame) {
    bus.send(node, SignalFrames.TO_HOME, SignalFrames.addressed(ClusterSignalRoutes.ref(from), frame));
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
    forward(home, from, frame);
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
