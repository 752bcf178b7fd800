package dev.parley.live.amf;

/** Malformed AMF input: truncated, an unknown type marker, a bad reference, or too deep. */
public final class AmfException extends Exception {
  private static final long serialVersionUID = 1L;

  public AmfException(String message) {
    super(message, null, false, false);
  }
}
