package dev.parley.client;

import dev.parley.protocol.im.Error;
import dev.parley.protocol.im.ErrorCode;

/** Why a request, a send or a login did not succeed. */
public final class ParleyException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The kinds of failure. */
  public enum Kind {
    /** The server answered with an error: see {@link #code()}. */
    REFUSED,
    /** No answer within the request timeout. */
    TIMEOUT,
    /** A message was not acknowledged by its send deadline (it may still have been stored). */
    DEADLINE_PASSED,
    /** The connection dropped with the request in flight; whether it took effect is unknown. */
    CONNECTION_LOST,
    /** The client was closed or logged out. */
    CLOSED
  }

  private final Kind kind;
  private final transient ErrorCode code;
  private final long retryAfterMillis;

  ParleyException(Kind kind, ErrorCode code, String message, long retryAfterMillis) {
    super(message);
    this.kind = kind;
    this.code = code;
    this.retryAfterMillis = retryAfterMillis;
  }

  static ParleyException refused(Error e) {
    return new ParleyException(Kind.REFUSED, e.getCode(), e.getCode() + ": " + e.getMessage(), e.getRetryAfterMs());
  }

  static ParleyException of(Kind kind, String message) {
    return new ParleyException(kind, ErrorCode.ERROR_CODE_UNSPECIFIED, message, 0);
  }

  /** What kind of failure this is. */
  public Kind kind() {
    return kind;
  }

  /** The server's error code for {@link Kind#REFUSED}, else {@code ERROR_CODE_UNSPECIFIED}. */
  public ErrorCode code() {
    return code;
  }

  /** For a rate limit: how long until a retry may succeed. */
  public long retryAfterMillis() {
    return retryAfterMillis;
  }
}
