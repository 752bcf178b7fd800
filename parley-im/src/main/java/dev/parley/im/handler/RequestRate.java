package dev.parley.im.handler;

import dev.parley.core.time.TimeSource;
import dev.parley.im.wire.ErrorFrames;
import dev.parley.protocol.im.ErrorCode;
import io.micrometer.core.instrument.Counter;

/**
 * Requests per connection: a generic cell rate algorithm ({@code im.rate.requests-per-second}
 * with a burst of {@code im.rate.burst}). One limiter serves every connection; each connection
 * keeps only its own budget, one number ({@link Caller#rateTat()}).
 */
final class RequestRate {
  private final long intervalNanos;
  private final long toleranceNanos;
  private final Counter rateLimited;
  private final TimeSource time;

  RequestRate(int perSecond, int burst, Counter rateLimited, TimeSource time) {
    this.intervalNanos = 1_000_000_000L / perSecond;
    this.toleranceNanos = intervalNanos * burst;
    this.rateLimited = rateLimited;
    this.time = time;
  }

  /**
   * Event loop of {@code c}: takes one request from its budget; false (after answering
   * RATE_LIMITED) when the connection is over its rate.
   */
  boolean admit(Caller c, int req) {
    long now = time.nanoTime();
    long tat = Math.max(c.rateTat(), now);
    if (tat - now > toleranceNanos) {
      rateLimited.increment();
      long retry = (tat - now - toleranceNanos) / 1_000_000L + 1;
      c.send(ErrorFrames.error(req, ErrorCode.ERROR_CODE_RATE_LIMITED, "too many requests", retry));
      return false;
    }
    c.rateTat(tat + intervalNanos);
    return true;
  }
}
