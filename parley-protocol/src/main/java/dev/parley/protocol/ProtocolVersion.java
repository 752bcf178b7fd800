package dev.parley.protocol;

/** Versions of the IM protocol this code speaks. */
public final class ProtocolVersion {
  /** The version described by {@code parley/im/v1/im.proto}. */
  public static final int CURRENT = 1;
  /** The oldest version a server built from this code accepts. */
  public static final int MIN_SUPPORTED = 1;

  private ProtocolVersion() {}

  /** Whether a server built from this code accepts a login speaking {@code version}. */
  public static boolean isSupported(int version) {
    return version >= MIN_SUPPORTED && version <= CURRENT;
  }
}
