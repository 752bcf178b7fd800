package dev.parley.mqtt.it;

import org.awaitility.Awaitility;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/** Messages a test client received, collected from its callback thread. */
public final class Received<T> {
  private final List<T> items = new CopyOnWriteArrayList<>();

  public void add(T item) {
    items.add(item);
  }

  public List<T> all() {
    return List.copyOf(items);
  }

  /** Waits until {@code n} items arrived; returns them. */
  public List<T> await(int n) {
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> items.size() >= n);
    return all();
  }

  /** Waits until an item matches. */
  public T awaitMatch(Predicate<T> p) {
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> items.stream().anyMatch(p));
    return items.stream().filter(p).findFirst().orElseThrow();
  }

  public int size() {
    return items.size();
  }
}
