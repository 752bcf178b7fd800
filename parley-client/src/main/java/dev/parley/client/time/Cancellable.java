package dev.parley.client.time;

/** A scheduled task that can be called off. */
@FunctionalInterface
public interface Cancellable {
  /** A handle for nothing scheduled. */
  Cancellable NONE = () -> { };

  /** Calls the task off if it has not run yet; harmless afterwards. */
  void cancel();
}
