package dev.parley.im.handler;

import dev.parley.im.presence.PresenceHub;
import dev.parley.im.session.Session;
import dev.parley.im.wire.ErrorFrames;
import dev.parley.protocol.im.Ack;
import dev.parley.protocol.im.ErrorCode;
import dev.parley.protocol.im.Frame;

/**
 * The logged-in session a request came on, as request handling needs it: a {@link Session} that
 * can follow presence, keeps its request budget, and can be answered, closed and acknowledged.
 * Methods not marked otherwise run on the session's event loop.
 */
public interface Caller extends Session, PresenceHub.Follower {
  /**
   * The request budget: the theoretical arrival time of the next allowed request (the server
   * TimeSource's nanoTime; the time of login at first). Only the request rate limiter reads it.
   */
  long rateTat();

  void rateTat(long tat);

  /** Any thread: answers {@code req} with an error, keeping the connection. */
  default void refuse(int req, ErrorCode code, String message) {
    send(ErrorFrames.error(req, code, message, 0));
  }

  /** Writes {@code last} and closes the connection. */
  void sendAndClose(Frame last);

  /** A cumulative acknowledgement from the device: its pushes up to the cursors are done with. */
  void acked(Ack ack);
}
