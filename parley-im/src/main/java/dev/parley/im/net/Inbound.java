package dev.parley.im.net;

import dev.parley.protocol.im.ErrorCode;

/** What the transports hand the connection besides decoded frames. */
public final class Inbound {
  private Inbound() {}

  /** An empty frame: the heartbeat. */
  public static final Object HEARTBEAT = new Object() {
    @Override
    public String toString() {
      return "HEARTBEAT";
    }
  };

  /** Proof of life that needs no answer (a WebSocket pong or ping). */
  public static final Object ACTIVITY = new Object() {
    @Override
    public String toString() {
      return "ACTIVITY";
    }
  };

  /** Bytes that are not a frame; the connection answers with the error and closes. */
  public record Malformed(ErrorCode code, String message) {}
}
