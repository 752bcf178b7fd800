package dev.parley.client;

/**
 * How long the client waits before its next attempt to connect: the backoff after failed attempts
 * in a row, nothing after losing a logged-in link (if so configured), or what the server asked for
 * with {@code GoAway} (plus jitter) or implied by shutting down. I/O loop only.
 */
final class ReconnectDelays {
  private final Backoff backoff;
  private final boolean reconnectAtOnce;
  private int failures;
  /** The delay the server asked for, until the next attempt uses it; -1 when none. */
  private long goAwayDelay = -1;

  ReconnectDelays(Backoff backoff, boolean reconnectAtOnce) {
    this.backoff = backoff;
    this.reconnectAtOnce = reconnectAtOnce;
  }

  /** Failed attempts in a row since the last login or request to connect. */
  int failures() {
    return failures;
  }

  /** The app asked to connect (or the network changed): the count of failures starts again. */
  void restart() {
    failures = 0;
  }

  /** Logged in: no failures, and the server's delay is spent. */
  void loggedIn() {
    failures = 0;
    goAwayDelay = -1;
  }

  /** The server said {@code GoAway}: reconnect after {@code afterMillis} and a random share of it. */
  void goAway(long afterMillis) {
    goAwayDelay = afterMillis + backoff.extra(afterMillis);
  }

  /** The server said it is shutting down: unless it asked for a delay, wait as after one failure. */
  void shuttingDown() {
    if (goAwayDelay < 0) {
      goAwayDelay = backoff.delayMillis(1);
    }
  }

  /** One more attempt failed before its login: the delay before the next. */
  long afterFailedAttempt() {
    failures++;
    long delay = goAwayDelay >= 0 ? goAwayDelay : backoff.delayMillis(failures);
    goAwayDelay = -1;
    return delay;
  }

  /** A logged-in link is gone: the delay before the first attempt to replace it. */
  long afterLostLink() {
    long delay;
    if (goAwayDelay >= 0) {
      delay = goAwayDelay;
    } else if (reconnectAtOnce) {
      delay = 0;
    } else {
      delay = backoff.delayMillis(++failures);
    }
    goAwayDelay = -1;
    return delay;
  }
}
