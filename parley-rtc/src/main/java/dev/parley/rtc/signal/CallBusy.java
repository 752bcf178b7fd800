package dev.parley.rtc.signal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Who is busy in the calls of other nodes: a user is busy while in an answered call or calling
 * someone. Each node tells the others of its own calls' users as they become busy and free; an
 * invite held by one node is refused as busy when the callee is busy in a call another node
 * holds. On a server of its own, {@link #LOCAL}: every call is here and nothing is asked.
 */
public interface CallBusy {
  /** Every call is held here. */
  CallBusy LOCAL = new CallBusy() {
    @Override
    public boolean clustered() {
      return false;
    }

    @Override
    public void changed(String user, boolean busy) {}

    @Override
    public CompletionStage<Boolean> elsewhere(String user) {
      return CompletableFuture.completedFuture(false);
    }
  };

  /** Whether other nodes hold calls (false: {@link #elsewhere} need not be asked). */
  boolean clustered();

  /** {@code user} became busy, or free, in the calls this node holds. On the signaling executor. */
  void changed(String user, boolean busy);

  /**
   * Whether {@code user} is busy in a call another node holds; fails when that cannot be known.
   * Completes on any thread.
   */
  CompletionStage<Boolean> elsewhere(String user);
}
