package dev.parley.core.spi;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Where modules publish the interfaces others use (offline-delivery hooks, the IM gateway, stats).
 * Look services up when they are needed, not at start: a later module may add one.
 */
public final class ServiceRegistry {
  private final Map<Class<?>, List<Object>> services = new ConcurrentHashMap<>();

  public <T> void register(Class<T> type, T service) {
    services.computeIfAbsent(type, k -> new CopyOnWriteArrayList<>()).add(type.cast(service));
  }

  /** Every registered implementation of {@code type}, in registration order. */
  @SuppressWarnings("unchecked")
  public <T> List<T> all(Class<T> type) {
    List<Object> list = services.get(type);
    return list == null ? List.of() : (List<T>) List.copyOf(list);
  }

  public <T> Optional<T> first(Class<T> type) {
    List<T> all = all(type);
    return all.isEmpty() ? Optional.empty() : Optional.of(all.get(0));
  }
}
