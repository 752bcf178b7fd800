package dev.parley.client;

import dev.parley.protocol.im.Frame;

/**
 * The client's connection as the send queue, the receiver and the app's requests see it: whether it
 * is logged in, as whom, and how to put frames on it. I/O loop only.
 */
interface Connection {
  /** Logged in, with a link to write to. */
  boolean isOnline();

  /** The user of the last login, or null before the first. */
  String userId();

  /** Sends a request on the current link (online only); {@code caller} hears the answer or the link's loss. */
  void send(Frame.Builder body, Requests.Caller caller);

  /** Sends a request nobody waits the answer of (typing), with a fresh req (online only). */
  void tell(Frame.Builder body);

  /** Writes a frame that is no request (an ack); dropped when there is no link. */
  void write(Frame frame);

  /** Checks the link now with a heartbeat, unless one is already out. */
  void probe();
}
