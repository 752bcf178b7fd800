package dev.parley.client;

import dev.parley.protocol.im.CallRing;
import dev.parley.protocol.im.CallState;
import dev.parley.protocol.im.CallStopRinging;
import dev.parley.protocol.im.RoomEvent;
import dev.parley.protocol.im.Signal;

/**
 * Hears call and room signaling (see docs/CALLS.md). Every method has an empty default, so an app
 * implements what it uses. Called on the client's callback executor, in the order the server sent.
 */
public interface CallListener {
  /** A call rings on this device: answer with {@link ParleyClient#accept} or {@link ParleyClient#reject}. */
  default void onRing(CallRing ring) {}

  /** A call this device takes part in changed state (answered, resumed, ended with a reason). */
  default void onState(CallState state) {}

  /** A call that rang here stopped ringing (answered or declined on another device, cancelled, timed out). */
  default void onStopRinging(CallStopRinging stop) {}

  /** An offer, answer, ICE candidate or custom payload from the other party of a call or room. */
  default void onSignal(Signal signal) {}

  /** Someone joined or left a room this device is in. */
  default void onRoomEvent(RoomEvent event) {}
}
