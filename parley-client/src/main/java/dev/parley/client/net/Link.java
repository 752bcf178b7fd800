package dev.parley.client.net;

import dev.parley.protocol.im.Frame;

/**
 * One connection to the server, TCP or WebSocket. Methods are called on the client's I/O loop;
 * the link reports to its {@link LinkListener} on the same loop.
 */
public interface Link {
  /** Queues a frame for writing. */
  void send(Frame frame);

  /** Queues a heartbeat (an empty frame). */
  void sendHeartbeat();

  /** Closes at once (no more events but {@link LinkListener#onClosed}, which comes once). */
  void close();

  /** Reports what happens on a link, always on the I/O loop, {@code onClosed} exactly once. */
  interface LinkListener {
    /** The link is open (TLS handshake done) and frames may be sent. */
    void onOpen(Link link);

    void onFrame(Link link, Frame frame);

    void onHeartbeat(Link link);

    /** The link is gone; {@code cause} says why (null for a close the client asked for). */
    void onClosed(Link link, Throwable cause);
  }
}
