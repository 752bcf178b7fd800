package dev.parley.mqtt.auth;

import java.util.Locale;

/**
 * Who a connection authenticated as.
 *
 * @param userId the Parley user id (token subject) or device name; null when anonymous
 * @param kind how it authenticated
 */
public record Identity(String userId, Kind kind) {
  /** How a client authenticated. */
  public enum Kind { USER, DEVICE, ANONYMOUS }

  public static final Identity ANONYMOUS = new Identity(null, Kind.ANONYMOUS);

  public boolean anonymous() {
    return kind == Kind.ANONYMOUS;
  }

  @Override
  public String toString() {
    return anonymous() ? "anonymous" : kind.name().toLowerCase(Locale.ROOT) + ":" + userId;
  }
}
