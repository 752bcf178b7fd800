package dev.parley.rtc.turn;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Allocations held per user (through {@link UserAllocations}, shared by every node in a cluster)
 * and on this node in total, against their caps. Thread-safe (allocations live on every loop).
 */
final class Quotas {
  private final int perUser;
  private final int total;
  private final UserAllocations users;
  private final AtomicInteger held = new AtomicInteger();

  Quotas(int perUser, int total, UserAllocations users) {
    this.perUser = perUser;
    this.total = total;
    this.users = users;
  }

  /** 0 when granted, else the error code: 486 (the user's quota) or 508 (the server's). */
  int acquire(String userId) {
    if (held.incrementAndGet() > total && total > 0) {
      held.decrementAndGet();
      return 508;
    }
    if (!users.tryAcquire(userId, perUser)) {
      held.decrementAndGet();
      return 486;
    }
    return 0;
  }

  void release(String userId) {
    held.decrementAndGet();
    users.release(userId);
  }

  int held() {
    return held.get();
  }

  int heldBy(String userId) {
    return users.heldBy(userId);
  }
}
