package dev.parley.im.store;

import dev.parley.protocol.im.ErrorCode;

/** A refused IM request: answered to the client as {@code Error{code, message}}. */
public final class ImException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final transient ErrorCode code;

  public ImException(ErrorCode code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  public ErrorCode code() {
    return code;
  }
}
