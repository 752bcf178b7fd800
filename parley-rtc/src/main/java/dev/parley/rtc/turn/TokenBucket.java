package dev.parley.rtc.turn;

/** A byte-rate cap with one second of burst, refilled from the server clock. Confined to one event loop. */
final class TokenBucket {
  private final long rate;
  private long tokens;
  private long last;

  TokenBucket(long bytesPerSecond, long nowMillis) {
    this.rate = bytesPerSecond;
    this.tokens = bytesPerSecond;
    this.last = nowMillis;
  }

  boolean take(int bytes, long nowMillis) {
    if (nowMillis > last) {
      tokens = Math.min(rate, tokens + (nowMillis - last) * rate / 1000);
      last = nowMillis;
    }
    if (tokens < bytes) {
      return false;
    }
    tokens -= bytes;
    return true;
  }
}
