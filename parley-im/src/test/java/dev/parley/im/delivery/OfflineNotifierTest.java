package dev.parley.im.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.core.spi.OfflineDeliveryHook;
import dev.parley.core.spi.ServiceRegistry;
import dev.parley.im.metrics.ImMetrics;
import dev.parley.im.store.StoredMessage;
import dev.parley.im.store.TestMessages;
import dev.parley.protocol.Ids;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class OfflineNotifierTest {
  private final ServiceRegistry services = new ServiceRegistry();
  private final ImMetrics metrics = new ImMetrics(new SimpleMeterRegistry(), () -> 0, () -> 0, () -> 0, () -> 0);
  private final List<String> calls = new CopyOnWriteArrayList<>();

  private static StoredMessage msg(long seq) {
    return TestMessages.stored(Ids.direct("alice", "bob"), seq, "alice", Set.of("alice", "bob"), "hi");
  }

  /** A hook that says it started, waits for {@code release}, then records the call. */
  private OfflineDeliveryHook blockingHook(CountDownLatch started, CountDownLatch release) {
    return (user, m) -> {
      started.countDown();
      try {
        release.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      calls.add(user + " " + m.getSeq());
    };
  }

  @Test
  void withoutHooksNothingIsQueued() {
    try (OfflineNotifier notifier = new OfflineNotifier(services, metrics, 10)) {
      notifier.notify("bob", msg(1));
      assertThat(notifier.queued()).isZero();
      assertThat(metrics.offlineHooks.count()).isZero();
    }
  }

  @Test
  void everyHookHearsOfTheMessageEvenWhenOneFails() {
    List<Boolean> daemon = new CopyOnWriteArrayList<>();
    services.register(OfflineDeliveryHook.class, (user, m) -> {
      daemon.add(Thread.currentThread().isDaemon());
      calls.add("first " + user + " " + m.getSeq());
    });
    services.register(OfflineDeliveryHook.class, (user, m) -> {
      throw new IllegalStateException("broken hook");
    });
    services.register(OfflineDeliveryHook.class, (user, m) -> calls.add("third " + user + " " + m.getSeq()));
    try (OfflineNotifier notifier = new OfflineNotifier(services, metrics, 10)) {
      notifier.notify("bob", msg(4));
      notifier.notify("bob", msg(5));

      await().until(() -> calls.size() == 4);
      assertThat(calls).containsExactly("first bob 4", "third bob 4", "first bob 5", "third bob 5");
      assertThat(metrics.offlineHooks.count()).isEqualTo(2.0);
      // Hooks run on a daemon thread: a stuck hook does not keep the JVM from exiting.
      assertThat(daemon).containsOnly(true);
    }
  }

  @Test
  void whenTheQueueIsFullTheNotificationIsDroppedAndCounted() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    services.register(OfflineDeliveryHook.class, blockingHook(started, release));
    try (OfflineNotifier notifier = new OfflineNotifier(services, metrics, 1)) {
      try {
        notifier.notify("bob", msg(1));
        assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
        notifier.notify("bob", msg(2));
        assertThat(notifier.queued()).isEqualTo(1);

        notifier.notify("bob", msg(3));

        assertThat(metrics.offlineHooksDropped.count()).isEqualTo(1.0);
        assertThat(metrics.offlineHooks.count()).isEqualTo(2.0);
      } finally {
        release.countDown();
      }
      await().until(() -> calls.size() == 2);
      assertThat(calls).containsExactly("bob 1", "bob 2");
    }
  }

  @Test
  void closeWaitsForWhatIsQueued() {
    CountDownLatch release = new CountDownLatch(1);
    services.register(OfflineDeliveryHook.class, blockingHook(new CountDownLatch(1), release));
    OfflineNotifier notifier = new OfflineNotifier(services, metrics, 10);
    notifier.notify("bob", msg(1));
    notifier.notify("bob", msg(2));
    release.countDown();

    notifier.close();

    assertThat(calls).containsExactly("bob 1", "bob 2");
  }

  @Test
  void closeInterruptedWhileWaitingKeepsTheInterrupt() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    services.register(OfflineDeliveryHook.class, blockingHook(started, release));
    OfflineNotifier notifier = new OfflineNotifier(services, metrics, 10);
    notifier.notify("bob", msg(1));
    assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
    try {
      Thread.currentThread().interrupt();
      notifier.close();
      assertThat(Thread.interrupted()).isTrue();
    } finally {
      release.countDown();
    }
  }
}
