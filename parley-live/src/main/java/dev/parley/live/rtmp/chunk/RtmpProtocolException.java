package dev.parley.live.rtmp.chunk;

/** A chunk stream that breaks the RTMP specification or our limits; the connection is closed with this reason. */
public final class RtmpProtocolException extends Exception {
  private static final long serialVersionUID = 1L;

  RtmpProtocolException(String message) {
    super(message, null, false, false);
  }
}
