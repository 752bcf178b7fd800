package dev.parley.im.net;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every open IM connection, logged in or not, so a shutdown can tell each one to go away and
 * know when the last has left. Thread-safe.
 */
final class OpenConnections {
  private final Set<ImConnection> open = ConcurrentHashMap.newKeySet();
  private final CompletableFuture<Void> empty = new CompletableFuture<>();
  private volatile int goAwayAfterMs = -1;

  /** Event loop of {@code c}: it is open (a connection opening during a shutdown is told at once). */
  void opened(ImConnection c) {
    open.add(c);
    int after = goAwayAfterMs;
    if (after >= 0) {
      c.goAway(after);
    }
  }

  /** Event loop of {@code c}: it closed. */
  void closed(ImConnection c) {
    open.remove(c);
    if (goAwayAfterMs >= 0 && open.isEmpty()) {
      empty.complete(null);
    }
  }

  int count() {
    return open.size();
  }

  /**
   * Tells every connection, and every one that opens from now on, to go away and reconnect after
   * {@code reconnectAfterMs}. The future completes when the last connection has closed.
   */
  CompletableFuture<Void> goAway(int reconnectAfterMs) {
    goAwayAfterMs = reconnectAfterMs;
    for (ImConnection c : open) {
      c.goAway(reconnectAfterMs);
    }
    if (open.isEmpty()) {
      empty.complete(null);
    }
    return empty;
  }

  /** Closes every connection still open (the shutdown grace is over). */
  void closeAll() {
    for (ImConnection c : open) {
      c.closeNow();
    }
  }
}
