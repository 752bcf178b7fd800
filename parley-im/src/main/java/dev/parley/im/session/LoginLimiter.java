package dev.parley.im.session;

import dev.parley.core.time.TimeSource;
import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Logins per IP address: a generic cell rate algorithm per address (rate per second with a
 * burst), so a reconnect storm from one NAT is admitted at a steady pace. Time is the server's
 * {@link TimeSource}.
 */
public final class LoginLimiter {
  private final long intervalNanos;
  private final long toleranceNanos;
  private final TimeSource time;
  private final ConcurrentHashMap<InetAddress, long[]> cells = new ConcurrentHashMap<>();

  public LoginLimiter(int perSecond, int burst, TimeSource time) {
    this.time = time;
    this.intervalNanos = TimeUnit.SECONDS.toNanos(1) / perSecond;
    this.toleranceNanos = intervalNanos * burst;
  }

  /** Takes one login for {@code ip}: 0 when allowed, else milliseconds until one would be. */
  public long acquire(InetAddress ip) {
    if (ip == null) {
      return 0;
    }
    long now = time.nanoTime();
    long[] wait = new long[1];
    cells.compute(ip, (k, tat) -> {
      long[] cell = tat == null ? new long[] {now} : tat;
      long t = Math.max(cell[0], now);
      if (t - now > toleranceNanos) {
        wait[0] = TimeUnit.NANOSECONDS.toMillis(t - now - toleranceNanos) + 1;
        return cell;
      }
      cell[0] = t + intervalNanos;
      return cell;
    });
    return wait[0];
  }

  /** Forgets addresses that have been quiet long enough to have a full burst again. */
  public void expire() {
    long now = time.nanoTime();
    cells.entrySet().removeIf(e -> e.getValue()[0] < now);
  }

  int tracked() {
    return cells.size();
  }
}
