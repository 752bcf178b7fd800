package dev.parley.protocol;

import dev.parley.protocol.im.ErrorCode;

/** Bytes that are not a valid frame. Carries the error code the peer is told before closing. */
public final class FrameException extends Exception {
  private static final long serialVersionUID = 1L;
  private final transient ErrorCode code;

  public FrameException(ErrorCode code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  public FrameException(ErrorCode code, String message, Throwable cause) {
    super(message, cause, false, false);
    this.code = code;
  }

  public ErrorCode code() {
    return code;
  }
}
