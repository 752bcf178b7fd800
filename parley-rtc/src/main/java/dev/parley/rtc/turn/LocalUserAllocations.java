package dev.parley.rtc.turn;

import java.util.concurrent.ConcurrentHashMap;

/** {@link UserAllocations} of one node, in memory. Thread-safe: allocations live on every event loop. */
public final class LocalUserAllocations implements UserAllocations {
  private final ConcurrentHashMap<String, Integer> byUser = new ConcurrentHashMap<>();

  @Override
  public boolean tryAcquire(String userId, int limit) {
    boolean[] over = {false};
    byUser.compute(userId, (k, n) -> {
      int count = n == null ? 0 : n;
      if (limit > 0 && count >= limit) {
        over[0] = true;
        return n;
      }
      return count + 1;
    });
    return !over[0];
  }

  @Override
  public void release(String userId) {
    byUser.computeIfPresent(userId, (k, n) -> n <= 1 ? null : n - 1);
  }

  @Override
  public int heldBy(String userId) {
    return byUser.getOrDefault(userId, 0);
  }
}
