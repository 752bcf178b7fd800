package dev.parley.rtc.stun;

/** STUN methods (RFC 8489 section 18.2, RFC 8656 section 17) and classes, and how they form a message type. */
public final class StunMethod {
  private StunMethod() {}

  public static final int BINDING = 0x001;
  public static final int ALLOCATE = 0x003;
  public static final int REFRESH = 0x004;
  public static final int SEND = 0x006;
  public static final int DATA = 0x007;
  public static final int CREATE_PERMISSION = 0x008;
  public static final int CHANNEL_BIND = 0x009;

  public static final int REQUEST = 0b00;
  public static final int INDICATION = 0b01;
  public static final int SUCCESS = 0b10;
  public static final int ERROR = 0b11;

  /** The 14-bit message type: the method's 12 bits with the class bits C0 and C1 interleaved at bits 4 and 8. */
  public static int type(int method, int cls) {
    return (method & 0x000F) | ((method & 0x0070) << 1) | ((method & 0x0F80) << 2)
        | ((cls & 0b01) << 4) | ((cls & 0b10) << 7);
  }

  public static int method(int type) {
    return (type & 0x000F) | ((type & 0x00E0) >> 1) | ((type & 0x3E00) >> 2);
  }

  public static int cls(int type) {
    return ((type >> 4) & 0b01) | ((type >> 7) & 0b10);
  }

  /** A name for logs. */
  public static String name(int method) {
    switch (method) {
      case BINDING: return "Binding";
      case ALLOCATE: return "Allocate";
      case REFRESH: return "Refresh";
      case SEND: return "Send";
      case DATA: return "Data";
      case CREATE_PERMISSION: return "CreatePermission";
      case CHANNEL_BIND: return "ChannelBind";
      default: return "0x" + Integer.toHexString(method);
    }
  }
}
