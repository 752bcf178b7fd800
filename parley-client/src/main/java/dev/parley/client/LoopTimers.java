package dev.parley.client;

import dev.parley.client.time.Cancellable;
import dev.parley.client.time.Scheduler;
import java.util.concurrent.Executor;

/**
 * The client's time: the runtime's {@link Scheduler} (real, or a test's manual one), with every task
 * handed to the client's I/O loop so that it may touch the client's state. Nothing in the client
 * reads another clock.
 */
final class LoopTimers {
  private final Scheduler scheduler;
  private final Executor loop;

  LoopTimers(Scheduler scheduler, Executor loop) {
    this.scheduler = scheduler;
    this.loop = loop;
  }

  /** Milliseconds on the scheduler's monotonic clock. */
  long now() {
    return scheduler.nowMillis();
  }

  /** Runs {@code task} on the loop after {@code delayMillis} of scheduler time. */
  Cancellable schedule(long delayMillis, Runnable task) {
    return scheduler.schedule(() -> loop.execute(task), delayMillis);
  }
}
