package dev.parley.im.delivery;

import dev.parley.core.spi.OfflineDeliveryHook;
import dev.parley.core.spi.ServiceRegistry;
import dev.parley.im.metrics.ImMetrics;
import dev.parley.im.store.StoredMessage;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls the offline-delivery hooks (MQTT push, push providers) for messages to users with no
 * online device, on one thread of its own so neither the writer nor an event loop waits on them.
 * Notifications are best effort: the message itself is stored and reaches the user on sync, so a
 * full queue drops the notification and counts it.
 */
public final class OfflineNotifier implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(OfflineNotifier.class);

  private final ServiceRegistry services;
  private final ImMetrics metrics;
  private final ThreadPoolExecutor executor;

  public OfflineNotifier(ServiceRegistry services, ImMetrics metrics, int capacity) {
    this.services = services;
    this.metrics = metrics;
    this.executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(capacity), r -> {
      Thread t = new Thread(r, "parley-im-offline");
      t.setDaemon(true);
      return t;
    });
  }

  /** Any thread: queues a notification if any hook is registered. */
  public void notify(String user, StoredMessage message) {
    List<OfflineDeliveryHook> hooks = services.all(OfflineDeliveryHook.class);
    if (hooks.isEmpty()) {
      return;
    }
    try {
      executor.execute(() -> {
        for (OfflineDeliveryHook h : hooks) {
          try {
            h.onOfflineMessage(user, message.message());
          } catch (RuntimeException e) {
            log.warn("offline-delivery hook {} failed for {}: {}", h.getClass().getSimpleName(), user, e.toString());
          }
        }
      });
      metrics.offlineHooks.increment();
    } catch (RejectedExecutionException e) {
      metrics.offlineHooksDropped.increment();
    }
  }

  public int queued() {
    return executor.getQueue().size();
  }

  @Override
  public void close() {
    executor.shutdown();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
