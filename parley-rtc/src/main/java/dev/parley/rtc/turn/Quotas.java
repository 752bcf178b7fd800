package dev.parley.rtc.turn;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Allocations held per user and in total, against their caps. Thread-safe (allocations live on every loop). */
final class Quotas {
  private final int perUser;
  private final int total;
  private final AtomicInteger held = new AtomicInteger();
  private final ConcurrentHashMap<String, Integer> byUser = new ConcurrentHashMap<>();

  Quotas(int perUser, int total) {
    this.perUser = perUser;
    this.total = total;
  }

  /** 0 when granted, else the error code: 486 (the user's quota) or 508 (the server's). */
  int acquire(String userId) {
    if (held.incrementAndGet() > total && total > 0) {
      held.decrementAndGet();
      return 508;
    }
    boolean[] over = {false};
    byUser.compute(userId, (k, n) -> {
      int count = n == null ? 0 : n;
      if (perUser > 0 && count >= perUser) {
        over[0] = true;
        return n;
      }
      return count + 1;
    });
    if (over[0]) {
      held.decrementAndGet();
      return 486;
    }
    return 0;
  }

  void release(String userId) {
    held.decrementAndGet();
    byUser.computeIfPresent(userId, (k, n) -> n <= 1 ? null : n - 1);
  }

  int held() {
    return held.get();
  }

  int heldBy(String userId) {
    return byUser.getOrDefault(userId, 0);
  }
}
