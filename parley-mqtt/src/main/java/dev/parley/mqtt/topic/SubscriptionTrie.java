package dev.parley.mqtt.topic;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Subscriptions by topic filter, one node per level. Matching is lock-free and runs on any event
 * loop at once; changes take the trie's lock and publish copy-on-write arrays, so a match sees
 * each node either before or after a change. Each owner (a session) has at most one entry per
 * filter (and share group); adding again replaces its options.
 *
 * @param <T> what a subscription carries (session and options)
 */
public final class SubscriptionTrie<T> {
  /** Receives the matches of one topic. */
  public interface Visitor<T> {
    void subscriber(T value);

    /** A shared subscription group whose filter matched: deliver to one of its members. */
    void shared(SharedGroup<T> group);
  }

  private final Node<T> root = new Node<>(null, null);
  private final AtomicInteger size = new AtomicInteger();

  /** Adds or replaces {@code owner}'s subscription; true when it is new. */
  public synchronized boolean add(String filter, String shareGroup, Object owner, T value) {
    Node<T> node = root;
    for (String level : split(filter)) {
      Node<T> parent = node;
      node = node.children.computeIfAbsent(level, k -> new Node<>(parent, k));
    }
    boolean added;
    if (shareGroup == null) {
      added = node.put(owner, value);
    } else {
      SharedGroup<T> g = node.shared.computeIfAbsent(shareGroup, k -> new SharedGroup<>(k, filter));
      added = g.put(owner, value);
    }
    if (added) {
      size.incrementAndGet();
    }
    return added;
  }

  /** Removes {@code owner}'s subscription; true when there was one. */
  public synchronized boolean remove(String filter, String shareGroup, Object owner) {
    Node<T> node = root;
    for (String level : split(filter)) {
      node = node.children.get(level);
      if (node == null) {
        return false;
      }
    }
    boolean removed;
    if (shareGroup == null) {
      removed = node.removeOwner(owner);
    } else {
      SharedGroup<T> g = node.shared.get(shareGroup);
      removed = g != null && g.removeOwner(owner);
      if (g != null && g.isEmpty()) {
        node.shared.remove(shareGroup);
      }
    }
    if (removed) {
      size.decrementAndGet();
      prune(node);
    }
    return removed;
  }

  private void prune(Node<T> node) {
    while (node.parent != null && node.subs.values.length == 0 && node.children.isEmpty() && node.shared.isEmpty()) {
      node.parent.children.remove(node.level, node);
      node = node.parent;
    }
  }

  /** Subscriptions in the trie. */
  public int size() {
    return size.get();
  }

  /** Calls {@code visitor} for every subscription whose filter matches topic name {@code topic}. */
  public void match(String topic, Visitor<T> visitor) {
    String[] levels = split(topic);
    match(root, levels, 0, topic.startsWith("$"), visitor);
  }

  private static <T> void match(Node<T> node, String[] levels, int i, boolean dollar, Visitor<T> v) {
    boolean wildcardsAllowed = !(i == 0 && dollar);
    if (i == levels.length) {
      node.visit(v);
      Node<T> hash = node.children.get("#");
      if (hash != null) {
        hash.visit(v);
      }
      return;
    }
    Node<T> exact = node.children.get(levels[i]);
    if (exact != null) {
      match(exact, levels, i + 1, dollar, v);
    }
    if (wildcardsAllowed) {
      Node<T> plus = node.children.get("+");
      if (plus != null) {
        match(plus, levels, i + 1, dollar, v);
      }
      Node<T> hash = node.children.get("#");
      if (hash != null) {
        hash.visit(v);
      }
    }
  }

  static String[] split(String topic) {
    int n = Topics.levels(topic);
    String[] out = new String[n];
    int start = 0;
    for (int i = 0; i < n - 1; i++) {
      int slash = topic.indexOf('/', start);
      out[i] = topic.substring(start, slash);
      start = slash + 1;
    }
    out[n - 1] = topic.substring(start);
    return out;
  }

  private static final class Node<T> {
    final Node<T> parent;
    final String level;
    final Map<String, Node<T>> children = new ConcurrentHashMap<>(4);
    final Map<String, SharedGroup<T>> shared = new ConcurrentHashMap<>(1);
    final Owned subs = new Owned();

    Node(Node<T> parent, String level) {
      this.parent = parent;
      this.level = level;
    }

    @SuppressWarnings("unchecked")
    void visit(Visitor<T> v) {
      for (Object o : subs.values) {
        v.subscriber((T) o);
      }
      if (!shared.isEmpty()) {
        for (SharedGroup<T> g : shared.values()) {
          v.shared(g);
        }
      }
    }

    boolean put(Object owner, T value) {
      return subs.put(owner, value);
    }

    boolean removeOwner(Object owner) {
      return subs.remove(owner);
    }
  }

  static int indexOf(Object[] owners, Object owner) {
    for (int i = 0; i < owners.length; i++) {
      if (owners[i] == owner) {
        return i;
      }
    }
    return -1;
  }

  static Object[] without(Object[] a, int i) {
    Object[] out = new Object[a.length - 1];
    System.arraycopy(a, 0, out, 0, i);
    System.arraycopy(a, i + 1, out, i, a.length - i - 1);
    return out;
  }

  /**
   * Values keyed by owner identity, as copy-on-write arrays: readers take {@link #values} without
   * a lock; writers hold the trie's lock.
   */
  private static final class Owned {
    private Object[] owners = new Object[0];
    volatile Object[] values = new Object[0];

    boolean put(Object owner, Object value) {
      int i = indexOf(owners, owner);
      if (i >= 0) {
        Object[] copy = values.clone();
        copy[i] = value;
        values = copy;
        return false;
      }
      Object[] o = Arrays.copyOf(owners, owners.length + 1);
      Object[] v = Arrays.copyOf(values, values.length + 1);
      o[o.length - 1] = owner;
      v[v.length - 1] = value;
      owners = o;
      values = v;
      return true;
    }

    boolean remove(Object owner) {
      int i = indexOf(owners, owner);
      if (i < 0) {
        return false;
      }
      owners = without(owners, i);
      values = without(values, i);
      return true;
    }
  }

  /** The members of one shared subscription ({@code $share/group/filter}); each message goes to one. */
  public static final class SharedGroup<T> {
    private final String name;
    private final String filter;
    private final AtomicInteger cursor = new AtomicInteger();
    private final Owned members = new Owned();

    SharedGroup(String name, String filter) {
      this.name = name;
      this.filter = filter;
    }

    public String name() {
      return name;
    }

    public String filter() {
      return filter;
    }

    /**
     * The next member in turn that {@code preferred} accepts (a connected one), or the next
     * member at all when none does; null when the group is empty.
     */
    @SuppressWarnings("unchecked")
    public T pick(Predicate<T> preferred) {
      Object[] m = members.values;
      if (m.length == 0) {
        return null;
      }
      int start = Math.floorMod(cursor.getAndIncrement(), m.length);
      for (int i = 0; i < m.length; i++) {
        T candidate = (T) m[(start + i) % m.length];
        if (preferred.test(candidate)) {
          return candidate;
        }
      }
      return (T) m[start];
    }

    /** Whether a member satisfies {@code test} (a connected one). */
    @SuppressWarnings("unchecked")
    public boolean any(Predicate<T> test) {
      for (Object o : members.values) {
        if (test.test((T) o)) {
          return true;
        }
      }
      return false;
    }

    boolean put(Object owner, T value) {
      return members.put(owner, value);
    }

    boolean removeOwner(Object owner) {
      return members.remove(owner);
    }

    boolean isEmpty() {
      return members.values.length == 0;
    }
  }
}
