package dev.parley.im.session;

import dev.parley.core.time.TimeSource;
import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * Logins per IP address: a generic cell rate algorithm per address (rate per second with a
 * burst), so a reconnect storm from one NAT is admitted at a steady pace. Time is the server's
 * {@link TimeSource}. On a cluster of {@code n} nodes each node admits its share, {@code 1/n} of
 * the rate and of the burst (at least one login), so what one address gets from all the nodes
 * together stays within the configured limits wherever the load balancer sends it.
 */
public final class LoginLimiter {
  private final long intervalNanos;
  private final int burst;
  private final TimeSource time;
  private final IntSupplier nodes;
  private final ConcurrentHashMap<InetAddress, long[]> cells = new ConcurrentHashMap<>();

  public LoginLimiter(int perSecond, int burst, TimeSource time) {
    this(perSecond, burst, time, () -> 1);
  }

  /** @param nodes how many nodes share the limits now (1 on a server of its own) */
  public LoginLimiter(int perSecond, int burst, TimeSource time, IntSupplier nodes) {
    this.time = time;
    this.intervalNanos = TimeUnit.SECONDS.toNanos(1) / perSecond;
    this.burst = burst;
    this.nodes = nodes;
  }

  /** Takes one login for {@code ip}: 0 when allowed, else milliseconds until one would be. */
  public long acquire(InetAddress ip) {
    if (ip == null) {
      return 0;
    }
    long now = time.nanoTime();
    int n = Math.max(1, nodes.getAsInt());
    long interval = intervalNanos * n;
    // burst + 1 logins at once in all, ceil((burst + 1) / n) of them here.
    long tolerance = interval * ((burst + n) / n - 1);
    long[] wait = new long[1];
    cells.compute(ip, (k, tat) -> {
      long[] cell = tat == null ? new long[] {now} : tat;
      long t = Math.max(cell[0], now);
      if (t - now > tolerance) {
        wait[0] = TimeUnit.NANOSECONDS.toMillis(t - now - tolerance) + 1;
        return cell;
      }
      cell[0] = t + interval;
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
