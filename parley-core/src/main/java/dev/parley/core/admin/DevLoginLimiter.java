package dev.parley.core.admin;

import dev.parley.core.time.TimeSource;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How often one client address may use the dev login: a token bucket of {@code perMinute}
 * logins that refills at {@code perMinute} a minute, on the server's {@link TimeSource}.
 */
final class DevLoginLimiter {
  /** Addresses tracked at most; past it, buckets that have refilled are forgotten (they hold nothing). */
  private static final int MAX_ADDRESSES = 4096;
  private static final long MINUTE_NANOS = Duration.ofMinutes(1).toNanos();

  private final TimeSource time;
  private final int perMinute;
  private final Map<InetAddress, Bucket> buckets = new ConcurrentHashMap<>();

  DevLoginLimiter(TimeSource time, int perMinute) {
    this.time = time;
    this.perMinute = perMinute;
  }

  /** Takes one login for {@code address}; returns 0 when granted, else the seconds until the next one. */
  long acquire(InetAddress address) {
    if (perMinute <= 0) {
      return 0;
    }
    long now = time.nanoTime();
    if (buckets.size() >= MAX_ADDRESSES) {
      forgetFull(now);
      if (buckets.size() >= MAX_ADDRESSES) {
        // Memory stays bounded even against many addresses; their limits start over.
        buckets.clear();
      }
    }
    Bucket b = buckets.computeIfAbsent(address, a -> new Bucket(perMinute, now));
    synchronized (b) {
      b.refill(now, perMinute);
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return 0;
      }
      double missing = 1 - b.tokens;
      return Math.max(1, (long) Math.ceil(missing * MINUTE_NANOS / perMinute / 1e9));
    }
  }

  private void forgetFull(long now) {
    for (Iterator<Bucket> it = buckets.values().iterator(); it.hasNext(); ) {
      Bucket b = it.next();
      synchronized (b) {
        b.refill(now, perMinute);
        if (b.tokens >= perMinute) {
          it.remove();
        }
      }
    }
  }

  private static final class Bucket {
    double tokens;
    long at;

    Bucket(int tokens, long at) {
      this.tokens = tokens;
      this.at = at;
    }

    void refill(long now, int perMinute) {
      tokens = Math.min(perMinute, tokens + (double) (now - at) * perMinute / MINUTE_NANOS);
      at = now;
    }
  }
}
