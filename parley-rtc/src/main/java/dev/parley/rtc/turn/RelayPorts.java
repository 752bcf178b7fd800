package dev.parley.rtc.turn;

import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Picks relay ports from the configured range and keeps port reservations (EVEN-PORT with the R
 * bit, RFC 8656 section 7.2): the port above an even relay port is held for 30 seconds under a
 * RESERVATION-TOKEN, and no other allocation is given it meanwhile. Thread-safe.
 */
final class RelayPorts {
  /** How long a reservation is held (RFC 8656: about 30 seconds). */
  static final long RESERVATION_MILLIS = 30_000;

  /** A held port. */
  record Reservation(int port, boolean ipv6, long expiresAt) {}

  private final int min;
  private final int max;
  private final Map<String, Reservation> byToken = new ConcurrentHashMap<>();
  private final Map<Integer, Long> reserved = new ConcurrentHashMap<>();

  RelayPorts(int min, int max) {
    this.min = min;
    this.max = max;
  }

  /** A port to try: random in the range, even when asked (with room for the next one when it is to be reserved). */
  int pick(boolean even, boolean pair, long now) {
    for (int i = 0; i < 64; i++) {
      int port = min + ThreadLocalRandom.current().nextInt(max - min + 1);
      if (even) {
        port &= ~1;
        if (port < min) {
          port += 2;
        }
      }
      if (port > max || pair && port + 1 > max || isReserved(port, now) || pair && isReserved(port + 1, now)) {
        continue;
      }
      return port;
    }
    return -1;
  }

  private boolean isReserved(int port, long now) {
    Long until = reserved.get(port);
    return until != null && now < until;
  }

  /** Holds {@code port} and returns the 8-byte token that claims it. */
  byte[] reserve(int port, boolean ipv6, long now) {
    byToken.values().removeIf(r -> now >= r.expiresAt());
    reserved.values().removeIf(until -> now >= until);
    byte[] token = new byte[8];
    ThreadLocalRandom.current().nextBytes(token);
    byToken.put(HexFormat.of().formatHex(token), new Reservation(port, ipv6, now + RESERVATION_MILLIS));
    reserved.put(port, now + RESERVATION_MILLIS);
    return token;
  }

  /** Claims a reservation; null when the token is unknown or expired. */
  Reservation take(byte[] token, long now) {
    Reservation r = byToken.remove(HexFormat.of().formatHex(token));
    if (r == null) {
      return null;
    }
    reserved.remove(r.port());
    return now < r.expiresAt() ? r : null;
  }
}
