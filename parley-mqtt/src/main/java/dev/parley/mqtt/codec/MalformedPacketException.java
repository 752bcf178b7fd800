package dev.parley.mqtt.codec;

/**
 * Input that is not a valid MQTT packet. {@link #reasonCode()} is what an MQTT 5 peer is told in
 * DISCONNECT (or CONNACK): 0x81 malformed packet, 0x82 protocol error, 0x95 packet too large, ...
 * Stack traces are not filled: this is ordinary bad input, not a bug.
 */
public final class MalformedPacketException extends Exception {
  private static final long serialVersionUID = 1L;
  private final int reasonCode;

  public MalformedPacketException(int reasonCode, String message) {
    super(message, null, false, false);
    this.reasonCode = reasonCode;
  }

  public static MalformedPacketException malformed(String message) {
    return new MalformedPacketException(ReasonCode.MALFORMED_PACKET, message);
  }

  public static MalformedPacketException protocol(String message) {
    return new MalformedPacketException(ReasonCode.PROTOCOL_ERROR, message);
  }

  public int reasonCode() {
    return reasonCode;
  }
}
