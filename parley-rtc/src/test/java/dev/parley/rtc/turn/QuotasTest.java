package dev.parley.rtc.turn;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The user quota is asked of {@link UserAllocations} (shared in a cluster); the server's cap stays on the node. */
class QuotasTest {
  @Test
  void allocationsCountedOnOtherNodesTakeTheUsersQuota() {
    LocalUserAllocations shared = new LocalUserAllocations();
    shared.tryAcquire("bob", 0);
    shared.tryAcquire("bob", 0); // two allocations of bob's on another node
    Quotas here = new Quotas(3, 10, shared);
    assertThat(here.acquire("bob")).isZero();
    assertThat(here.acquire("bob")).as("bob holds 3 across the cluster").isEqualTo(486);
    assertThat(here.held()).as("a refused allocation holds nothing here").isEqualTo(1);
    assertThat(here.heldBy("bob")).isEqualTo(3);
    here.release("bob");
    assertThat(shared.heldBy("bob")).isEqualTo(2);
    assertThat(here.held()).isZero();
  }

  @Test
  void theServersCapIsCheckedFirstAndCountsNothingForTheUser() {
    LocalUserAllocations shared = new LocalUserAllocations();
    Quotas here = new Quotas(0, 1, shared);
    assertThat(here.acquire("ann")).isZero();
    assertThat(here.acquire("bob")).isEqualTo(508);
    assertThat(shared.heldBy("bob")).isZero();
  }
}
