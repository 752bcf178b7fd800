package dev.parley.rtc.stun;

/** Input that is not a well-formed STUN message or ChannelData frame; the message says why. */
public final class StunException extends Exception {
  private static final long serialVersionUID = 1L;

  public StunException(String reason) {
    super(reason, null, false, false);
  }
}
