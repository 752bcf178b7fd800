package dev.parley.client;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * How long to wait before the next reconnect attempt: exponential with jitter. After the
 * {@code n}-th failed attempt in a row the nominal delay is {@code initial × multiplier^(n-1)},
 * capped at {@code max} (default 2, 4, 8, … 64 s); the actual delay is drawn uniformly from
 * {@code [nominal × (1 - jitter), nominal]}. Jitter is what keeps thousands of clients that lost
 * the same server at the same moment from coming back at the same moment.
 */
public final class Backoff {
  private final long initial;
  private final long max;
  private final double multiplier;
  private final double jitter;
  private final DoubleSupplier random;

  private Backoff(long initial, long max, double multiplier, double jitter, DoubleSupplier random) {
    if (initial <= 0 || max < initial) {
      throw new IllegalArgumentException("need 0 < initial <= max");
    }
    if (multiplier < 1) {
      throw new IllegalArgumentException("multiplier must be at least 1");
    }
    if (jitter < 0 || jitter > 1) {
      throw new IllegalArgumentException("jitter must be between 0 and 1");
    }
    this.initial = initial;
    this.max = max;
    this.multiplier = multiplier;
    this.jitter = jitter;
    this.random = random;
  }

  /** 2, 4, 8, … 64 s with jitter 0.5. */
  public static Backoff defaults() {
    return exponential(Duration.ofSeconds(2), Duration.ofSeconds(64));
  }

  /** Doubling from {@code initial} up to {@code max}, jitter 0.5. */
  public static Backoff exponential(Duration initial, Duration max) {
    return new Backoff(initial.toMillis(), max.toMillis(), 2.0, 0.5, () -> ThreadLocalRandom.current().nextDouble());
  }

  /** The same with another growth factor. */
  public Backoff withMultiplier(double m) {
    return new Backoff(initial, max, m, jitter, random);
  }

  /** The same with another jitter: the share of the delay that is random (0 = none, 1 = all). */
  public Backoff withJitter(double j) {
    return new Backoff(initial, max, multiplier, j, random);
  }

  /** The same with another source of uniform numbers in [0, 1) (tests fix it). */
  public Backoff withRandom(DoubleSupplier r) {
    return new Backoff(initial, max, multiplier, jitter, r);
  }

  /** The nominal delay (before jitter) after {@code failures} (at least 1) failed attempts in a row. */
  public long nominalMillis(int failures) {
    double d = initial * Math.pow(multiplier, Math.max(0, failures - 1));
    return (long) Math.min(max, d);
  }

  /** The delay to wait after {@code failures} (at least 1) failed attempts in a row. */
  public long delayMillis(int failures) {
    return spread(nominalMillis(failures));
  }

  /**
   * Random extra time to add to a delay the server asked for (GoAway): up to {@code base × 2 × jitter},
   * so clients told the same delay still spread out.
   */
  public long extra(long base) {
    double r = Math.min(1.0, Math.max(0.0, random.getAsDouble()));
    return Math.round(base * 2 * jitter * r);
  }

  /** {@code nominal} with this backoff's jitter applied. */
  long spread(long nominal) {
    double r = Math.min(1.0, Math.max(0.0, random.getAsDouble()));
    return Math.round(nominal * (1.0 - jitter * r));
  }

  @Override
  public String toString() {
    return "backoff " + initial + " ms x" + multiplier + " up to " + max + " ms, jitter " + jitter;
  }
}
