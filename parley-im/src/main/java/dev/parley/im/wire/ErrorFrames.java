package dev.parley.im.wire;

import dev.parley.protocol.im.Error;
import dev.parley.protocol.im.ErrorCode;
import dev.parley.protocol.im.Frame;

/** The Error frame every refusal is answered with. */
public final class ErrorFrames {
  private ErrorFrames() {}

  /** {@code Error{code, message}} answering {@code req} (0: none), with a retry hint when {@code retryAfterMs > 0}. */
  public static Frame error(int req, ErrorCode code, String message, long retryAfterMs) {
    Error.Builder e = Error.newBuilder().setCode(code).setMessage(message);
    if (retryAfterMs > 0) {
      e.setRetryAfterMs((int) Math.min(Integer.MAX_VALUE, retryAfterMs));
    }
    return Frame.newBuilder().setReq(req).setError(e).build();
  }
}
