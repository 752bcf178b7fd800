package dev.parley.mqtt.topic;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Retained messages by topic name, one node per level, so a subscription's filter finds its
 * retained messages without scanning them all. Lookups are lock-free; changes take the lock.
 *
 * @param <T> the retained message
 */
public final class RetainedTree<T> {
  private final Node<T> root = new Node<>(null, null);
  private final AtomicInteger size = new AtomicInteger();

  /** Sets (or with null, clears) the retained message of {@code topic}; returns the previous one. */
  public synchronized T put(String topic, T value) {
    if (value == null) {
      return remove(topic);
    }
    Node<T> node = root;
    for (String level : SubscriptionTrie.split(topic)) {
      Node<T> parent = node;
      node = node.children.computeIfAbsent(level, k -> new Node<>(parent, k));
    }
    T old = node.value;
    node.value = value;
    if (old == null) {
      size.incrementAndGet();
    }
    return old;
  }

  private T remove(String topic) {
    Node<T> node = root;
    for (String level : SubscriptionTrie.split(topic)) {
      node = node.children.get(level);
      if (node == null) {
        return null;
      }
    }
    T old = node.value;
    if (old != null) {
      node.value = null;
      size.decrementAndGet();
      while (node.parent != null && node.value == null && node.children.isEmpty()) {
        node.parent.children.remove(node.level, node);
        node = node.parent;
      }
    }
    return old;
  }

  public T get(String topic) {
    Node<T> node = root;
    for (String level : SubscriptionTrie.split(topic)) {
      node = node.children.get(level);
      if (node == null) {
        return null;
      }
    }
    return node.value;
  }

  public int size() {
    return size.get();
  }

  /** Calls {@code sink} with every retained message whose topic matches {@code filter}. */
  public void match(String filter, Consumer<T> sink) {
    match(root, SubscriptionTrie.split(filter), 0, sink);
  }

  /** Every retained message. */
  public void forEach(Consumer<T> sink) {
    all(root, sink);
  }

  private static <T> void match(Node<T> node, String[] levels, int i, Consumer<T> sink) {
    if (i == levels.length) {
      if (node.value != null) {
        sink.accept(node.value);
      }
      return;
    }
    String level = levels[i];
    if (level.equals("#")) {
      // "a/#" also matches "a" itself.
      if (node.value != null && i > 0) {
        sink.accept(node.value);
      }
      for (Map.Entry<String, Node<T>> e : node.children.entrySet()) {
        if (i == 0 && e.getKey().startsWith("$")) {
          continue;
        }
        all(e.getValue(), sink);
      }
    } else if (level.equals("+")) {
      for (Map.Entry<String, Node<T>> e : node.children.entrySet()) {
        if (i == 0 && e.getKey().startsWith("$")) {
          continue;
        }
        match(e.getValue(), levels, i + 1, sink);
      }
    } else {
      Node<T> child = node.children.get(level);
      if (child != null) {
        match(child, levels, i + 1, sink);
      }
    }
  }

  private static <T> void all(Node<T> node, Consumer<T> sink) {
    if (node.value != null) {
      sink.accept(node.value);
    }
    for (Node<T> child : node.children.values()) {
      all(child, sink);
    }
  }

  private static final class Node<T> {
    final Node<T> parent;
    final String level;
    final Map<String, Node<T>> children = new ConcurrentHashMap<>(4);
    volatile T value;

    Node(Node<T> parent, String level) {
      this.parent = parent;
      this.level = level;
    }
  }
}
