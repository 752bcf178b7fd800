package dev.parley.core.auth;

/** A token that does not admit its bearer. */
public final class TokenException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Why the token was refused. */
  public enum Reason { INVALID, EXPIRED }

  private final Reason reason;

  public TokenException(Reason reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
