package dev.parley.client.heartbeat;

import java.time.Duration;
import java.util.Objects;
import java.util.logging.Logger;

/**
 * A heartbeat that finds the longest safe interval on each network, after WeChat's smart
 * heartbeat. Mobile networks drop idle NAT mappings after a time nobody publishes (from under a
 * minute to many); a heartbeat shorter than needed drains the battery, a longer one loses the
 * connection silently. So:
 *
 * <ol>
 *   <li>start short ({@code minInterval});</li>
 *   <li>after {@code successesBeforeProbe} answered heartbeats at the current interval, probe a
 *       longer one ({@code + step}, up to the server's ceiling);</li>
 *   <li>when a probe goes unanswered, the NAT timeout lies between the last answered interval
 *       and the failed one: settle at the last answered interval minus {@code safetyMargin}
 *       (never below the minimum) and stop probing;</li>
 *   <li>remember the settled interval per network ({@link HeartbeatMemory}) and start from it
 *       when the app reports that network again; an unknown network is probed afresh;</li>
 *   <li>when the settled interval fails {@code failuresBeforeDemote} times in a row, step down.</li>
 * </ol>
 *
 * <p>In the foreground an app may want dead links found faster than the battery-friendly
 * interval allows: {@code foregroundInterval} then applies, and heartbeats at it teach nothing
 * about the NAT. Thread-safe; the client calls it from its I/O thread.
 */
public final class AdaptiveHeartbeat implements HeartbeatPolicy {
  private static final Logger log = Logger.getLogger(AdaptiveHeartbeat.class.getName());
  /** The network before the app names one. */
  public static final String DEFAULT_NETWORK = "default";

  private final long min;
  private final long max;
  private final long step;
  private final int successesBeforeProbe;
  private final long margin;
  private final int failuresBeforeDemote;
  private final long foregroundInterval;
  private final HeartbeatMemory memory;

  private String network = DEFAULT_NETWORK;
  private long ceiling;
  private long current;
  private long lastGood;
  private long settled;
  private int successes;
  private int settledFailures;
  private boolean foreground;

  private AdaptiveHeartbeat(Builder b) {
    this.min = b.min;
    this.max = b.max;
    this.step = b.step;
    this.successesBeforeProbe = b.successesBeforeProbe;
    this.margin = b.margin;
    this.failuresBeforeDemote = b.failuresBeforeDemote;
    this.foregroundInterval = b.foregroundInterval;
    this.memory = b.memory;
    this.ceiling = max;
    startOn(network);
  }

  /** A builder with the defaults for phones. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public synchronized long intervalMillis() {
    if (foreground && foregroundInterval > 0) {
      return Math.min(foregroundInterval, ceiling);
    }
    return Math.min(current, ceiling);
  }

  @Override
  public synchronized void onLogin(long serverMaxMillis) {
    if (serverMaxMillis > 0) {
      ceiling = Math.max(min, Math.min(max, serverMaxMillis));
    }
  }

  @Override
  public synchronized void onHeartbeatAnswered(long idleMillis) {
    lastGood = Math.max(lastGood, idleMillis);
    if (!reached(idleMillis, Math.min(current, ceiling))) {
      return;
    }
    if (settled > 0) {
      settledFailures = 0;
      return;
    }
    if (++successes < successesBeforeProbe) {
      return;
    }
    successes = 0;
    if (current >= ceiling) {
      settle(ceiling, "no NAT timeout below the server's ceiling");
    } else {
      current = Math.min(current + step, ceiling);
      log.fine(() -> "heartbeat on " + network + ": probing " + current + " ms");
    }
  }

  @Override
  public synchronized void onHeartbeatLost(long idleMillis) {
    if (settled > 0) {
      if (reached(idleMillis, settled) && ++settledFailures >= failuresBeforeDemote) {
        settledFailures = 0;
        settle(Math.max(min, settled - step), "the settled interval failed " + failuresBeforeDemote + " times");
      }
      return;
    }
    if (idleMillis <= lastGood) {
      // It failed after a silence that has worked before: not the NAT, just a lost link.
      return;
    }
    settle(lastGood == 0 ? min : Math.max(min, lastGood - margin),
        "no answer after " + idleMillis + " ms; last answered after " + lastGood + " ms");
  }

  @Override
  public synchronized void onNetworkChanged(String networkId) {
    String id = networkId == null || networkId.isEmpty() ? DEFAULT_NETWORK : networkId;
    if (!id.equals(network)) {
      startOn(id);
    }
  }

  @Override
  public synchronized void onForeground(boolean fg) {
    foreground = fg;
  }

  /** What the policy knows now, for diagnostics and tests. */
  public synchronized Snapshot snapshot() {
    return new Snapshot(network, intervalMillis(), settled > 0, settled);
  }

  private void startOn(String id) {
    network = id;
    Long remembered = memory.load(id);
    lastGood = 0;
    successes = 0;
    settledFailures = 0;
    if (remembered != null && remembered >= min) {
      settled = remembered;
      current = remembered;
    } else {
      settled = 0;
      current = min;
    }
  }

  private void settle(long interval, String why) {
    settled = interval;
    current = interval;
    successes = 0;
    memory.save(network, interval);
    log.info(() -> "heartbeat on " + network + " settled at " + interval + " ms (" + why + ")");
  }

  /** Whether a heartbeat after {@code idle} tested {@code interval} (timers fire a little early or late). */
  private static boolean reached(long idle, long interval) {
    return idle >= interval - Math.max(10, interval / 20);
  }

  @Override
  public synchronized String toString() {
    return "adaptive heartbeat on " + network + ": " + intervalMillis() + " ms" + (settled > 0 ? " (settled)" : " (probing)");
  }

  /**
   * The state of the policy.
   *
   * @param network the current network id
   * @param intervalMillis the interval in use now
   * @param settled whether probing is over on this network
   * @param settledMillis the settled interval, 0 while probing
   */
  public record Snapshot(String network, long intervalMillis, boolean settled, long settledMillis) {}

  /** Builds an {@link AdaptiveHeartbeat}. Defaults suit phones on carrier NATs. */
  public static final class Builder {
    private long min = 30_000;
    private long max = 10 * 60_000;
    private long step = 30_000;
    private int successesBeforeProbe = 3;
    private long margin = 10_000;
    private int failuresBeforeDemote = 2;
    private long foregroundInterval;
    private HeartbeatMemory memory = HeartbeatMemory.inMemory();

    /** Shortest interval, the one probing starts from (default 30 s). */
    public Builder minInterval(Duration d) {
      min = positive(d);
      return this;
    }

    /** Longest interval (default 10 min); the server's ceiling also applies. */
    public Builder maxInterval(Duration d) {
      max = positive(d);
      return this;
    }

    /** How much longer each probe is (default 30 s). */
    public Builder step(Duration d) {
      step = positive(d);
      return this;
    }

    /** Answered heartbeats at an interval before probing the next (default 3). */
    public Builder successesBeforeProbe(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("successesBeforeProbe must be at least 1");
      }
      successesBeforeProbe = n;
      return this;
    }

    /** How far below the last answered interval to settle after a failed probe (default 10 s). */
    public Builder safetyMargin(Duration d) {
      margin = d.toMillis();
      return this;
    }

    /** Failures in a row of the settled interval before stepping down (default 2). */
    public Builder failuresBeforeDemote(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("failuresBeforeDemote must be at least 1");
      }
      failuresBeforeDemote = n;
      return this;
    }

    /** The interval while the app is in the foreground (default: none, the adaptive one applies). */
    public Builder foregroundInterval(Duration d) {
      foregroundInterval = d == null ? 0 : positive(d);
      return this;
    }

    /** Where settled intervals are kept per network (default: in memory). */
    public Builder memory(HeartbeatMemory m) {
      memory = Objects.requireNonNull(m);
      return this;
    }

    /** Checks the settings and makes the policy. */
    public AdaptiveHeartbeat build() {
      if (min > max) {
        throw new IllegalArgumentException("minInterval is above maxInterval");
      }
      return new AdaptiveHeartbeat(this);
    }

    private static long positive(Duration d) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("durations must be positive");
      }
      return d.toMillis();
    }
  }
}
