package dev.parley.rtc.signal;

import dev.parley.core.spi.ImGateway.FrameHandler;
import dev.parley.core.spi.ImGateway.ImSession;
import dev.parley.protocol.im.Frame;

/**
 * Which node holds a call: the one its invite arrived at, named in the call's id. Frames a client
 * sends for a call held elsewhere are forwarded there and handled as if the client were connected
 * to that node (its answers go back through {@link SignalRoutes}' handles). On a server of its
 * own, {@link #LOCAL}: every call is held here.
 */
public interface CallHome {
  /** Every call is held here; ids carry no node. */
  CallHome LOCAL = new CallHome() {
    @Override
    public String idSuffix() {
      return "";
    }

    @Override
    public boolean forwarded(ImSession from, Frame frame, String callId) {
      return false;
    }

    @Override
    public void receive(FrameHandler handler) {}
  };

  /** What this node appends to the ids of the calls it holds ("" when alone). */
  String idSuffix();

  /**
   * Forwards {@code frame} of session {@code from} (on this node) to the node holding call
   * {@code callId}; false, and nothing sent, when this node holds it (or no node is named).
   */
  boolean forwarded(ImSession from, Frame frame, String callId);

  /** Takes the frames other nodes forward here; {@code handler} runs on the bus thread. */
  void receive(FrameHandler handler);
}
