package dev.parley.live.rtmp.handshake;

/** A handshake the server cannot accept (wrong version byte, encrypted RTMPE). */
public final class HandshakeException extends Exception {
  private static final long serialVersionUID = 1L;

  HandshakeException(String message) {
    super(message, null, false, false);
  }
}
