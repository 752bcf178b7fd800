/**
 * Calls: the rtc module ({@link dev.parley.rtc.RtcModule}, found by the kernel through
 * {@code ServiceLoader}), which wires the STUN/TURN server, the ICE server list and call and room
 * signaling, and {@link dev.parley.rtc.Signaling}, which registers the signaling frames with the IM
 * gateway and runs calls and rooms on its single executor. Nothing in the module depends on this
 * package. Every other package of parley-rtc is internal to the module; other modules reach calls
 * only through the kernel (the IM gateway, HTTP routes, the service registry).
 */
package dev.parley.rtc;
