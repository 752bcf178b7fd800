package dev.parley.rtc.stun;

/**
 * ChannelData framing (RFC 8656 section 12.4): a 16-bit channel number whose top two bits are 01
 * (0x4000-0x7FFF), a 16-bit length, then the application data; over TCP and TLS the frame is padded
 * to a multiple of 4 bytes. Channels can be bound only in 0x4000-0x4FFF; frames for 0x5000-0x7FFF
 * still parse (so a TCP stream stays in step) and are dropped because no such channel exists, unless
 * the server is configured to bind them as RFC 5766 allowed.
 */
public final class ChannelData {
  private ChannelData() {}

  public static final int HEADER = 4;
  public static final int MIN_BINDABLE = 0x4000;
  public static final int MAX_BINDABLE = 0x4FFF;

  /** Whether the first byte starts a ChannelData frame (top two bits 01). */
  public static boolean isChannelData(int firstByte) {
    return (firstByte & 0xC0) == 0x40;
  }

  public static boolean isBindable(int channel) {
    return channel >= MIN_BINDABLE && channel <= MAX_BINDABLE;
  }

  /** The length of a frame with {@code dataLength} bytes of data, padded to 4 when {@code padded}. */
  public static int frameLength(int dataLength, boolean padded) {
    return HEADER + (padded ? (dataLength + 3) & ~3 : dataLength);
  }
}
