package dev.parley.core.time;

/** A scheduled task that can still be called off. */
@FunctionalInterface
public interface Cancellable {
  /** A handle that cancels nothing (for a timer that was never set). */
  Cancellable NONE = () -> false;

  /** Calls the task off if it has not run yet; true when this call stopped it. */
  boolean cancel();
}
