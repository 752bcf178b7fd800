package dev.parley.core.testing;

import dev.parley.core.cluster.Cluster;
import dev.parley.core.cluster.NodeBus;
import dev.parley.core.cluster.NodeInfo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Nodes of one JVM joined by an in-memory {@link NodeBus}, for tests of a system's cross-node
 * logic without Redis (the Redis bus has its own tests in parley-cluster). Each node's bus runs
 * its receivers on a thread of its own, as the real one does. {@link #cut} makes every bus drop
 * what it sends, as an unreachable Redis would; {@link #heal} brings them back and runs their
 * resume actions ({@link #restartStore} and {@code heal(id)} play a restarted Redis that the nodes notice
 * one at a time). {@link #pause} holds back what reaches one node (its receivers and the answers
 * to its lookups) until {@link #resume}, to drive a race between nodes step by step. Close the
 * group after.
 */
public final class InMemoryBus implements AutoCloseable {
  /** Marks a pending entry's field (an orphaned entry a node's listener was told of and has not settled). */
  private static final char PENDING = '\u0000';
  private final Map<String, Node> nodes = new ConcurrentHashMap<>();
  /** key -> (node + "/" + field -> held entry). */
  private final Map<String, Map<String, NodeBus.Held>> held = new ConcurrentHashMap<>();
  private volatile boolean cut;
  /** Nodes the others' views of the cluster leave out for now. */
  private final Set<String> missing = ConcurrentHashMap.newKeySet();

  /** The bus of node {@code id} (made on first use). */
  public NodeBus node(String id) {
    return nodes.computeIfAbsent(id, Node::new);
  }

  /** From now on every message is dropped and lookups fail, until {@link #heal} (a node's lookups: until it heals). */
  public void cut() {
    cut = true;
    nodes.values().forEach(n -> n.lost = true);
  }

  /** Messages flow again; every node writes again what it held before a {@link #restartStore} and resumes. */
  public void heal() {
    cut = false;
    nodes.values().forEach(Node::resumed);
  }

  /**
   * Messages flow again, but only node {@code id} has noticed: it writes again what it held
   * before a {@link #restartStore}, then its resume actions run on its thread. The others follow
   * with their own {@code heal} (or {@link #heal()}), as nodes notice a restarted Redis one
   * heartbeat after another.
   */
  public void heal(String id) {
    cut = false;
    ((Node) node(id)).resumed();
  }

  /**
   * The store behind the bus restarts empty (as Redis without persistence does): every held entry
   * is gone, and each node keeps its own to write again when it heals. Call it while {@link #cut}.
   */
  public void restartStore() {
    synchronized (held) {
      held.forEach((key, m) -> m.values().forEach(h -> {
        Node n = nodes.get(h.node());
        if (n != null) {
          n.kept.add(Map.entry(key, h));
        }
      }));
      held.clear();
    }
  }

  /**
   * The answers to node {@code id}'s lookups ({@code heldElsewhere}) wait, each with what it read
   * when asked, until {@link #answerLookups}: the node's receivers go on meanwhile, so an answer can
   * come after messages sent later than it was read.
   */
  public void delayLookups(String id) {
    Node n = (Node) node(id);
    synchronized (n) {
      n.delayed = new ArrayList<>();
    }
  }

  /** The answers delayed for node {@code id} come now, on its thread, in order, and lookups answer at once again. */
  public void answerLookups(String id) {
    Node n = (Node) node(id);
    List<Runnable> waiting;
    synchronized (n) {
      waiting = n.delayed;
      n.delayed = null;
    }
    if (waiting != null) {
      waiting.forEach(n.thread::execute);
    }
  }

  /**
   * Messages on {@code topic} to node {@code id} wait until {@link #deliverWithheld}; the node's
   * other messages go on meanwhile.
   */
  public void withhold(String id, String topic) {
    Node n = (Node) node(id);
    synchronized (n) {
      n.withheld.putIfAbsent(topic, new ArrayList<>());
    }
  }

  /** The messages on {@code topic} withheld from node {@code id} come now, in order, and later ones at once. */
  public void deliverWithheld(String id, String topic) {
    Node n = (Node) node(id);
    List<Runnable> kept;
    synchronized (n) {
      kept = n.withheld.remove(topic);
    }
    if (kept != null) {
      kept.forEach(n.thread::execute);
    }
  }

  /** How many lookups ({@code heldElsewhere}) node {@code id} has asked for. */
  public int lookups(String id) {
    return ((Node) node(id)).lookups.get();
  }

  /**
   * Nothing more runs on node {@code id}'s bus thread (its receivers, the answers to its lookups)
   * until {@link #resume}: messages to it wait, in order.
   */
  public void pause(String id) {
    Node n = (Node) node(id);
    CountDownLatch gate = new CountDownLatch(1);
    n.gate = gate;
    n.thread.execute(() -> {
      try {
        gate.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
  }

  /** Node {@code id}'s bus thread goes on with what waited. */
  public void resume(String id) {
    CountDownLatch gate = ((Node) node(id)).gate;
    if (gate != null) {
      gate.countDown();
    }
  }

  /**
   * The other nodes' views of the cluster leave node {@code id} out (as after a restarted Redis,
   * before it registered again) until {@link #present}; its bus goes on as before.
   */
  public void absent(String id) {
    missing.add(id);
  }

  /** Node {@code id} is in the other nodes' views of the cluster again. */
  public void present(String id) {
    missing.remove(id);
  }

  /**
   * Node {@code id}'s view of the cluster: the nodes of this bus alive (not {@linkplain #kill
   * killed}) and not {@linkplain #absent absent}, this one first, the others by id.
   */
  public Cluster cluster(String id) {
    return new Cluster() {
      @Override
      public String nodeId() {
        return id;
      }

      @Override
      public List<NodeInfo> nodes() {
        List<String> ids = new ArrayList<>(new TreeSet<>(nodes.keySet()));
        ids.removeAll(missing);
        ids.remove(id);
        ids.add(0, id);
        return ids.stream().map(n -> new NodeInfo(n, "127.0.0.1", 0, Instant.EPOCH, Instant.EPOCH, Map.of(), "ok"))
            .toList();
      }

      @Override
      public boolean healthy() {
        return !cut;
      }
    };
  }

  /** Every node's entries under {@code key}. */
  public List<NodeBus.Held> held(String key) {
    return List.copyOf(held.getOrDefault(key, Map.of()).values());
  }

  /**
   * Node {@code id} dies: nothing more reaches it or comes from it, and its entries (its pending ones too) go to the
   * orphan listeners of the first node alive by id, as if that node's purge had removed them: what those listeners
   * are told of is that node's, pending, until they settle it.
   */
  public void kill(String id) {
    Node n = nodes.remove(id);
    if (n != null) {
      n.thread.shutdownNow();
    }
    Map<String, List<NodeBus.Held>> removed = new LinkedHashMap<>();
    synchronized (held) {
      held.forEach((key, m) -> m.values().removeIf(h -> {
        if (h.node().equals(id)) {
          String field = pending(h.field()) ? h.field().substring(1) : h.field();
          removed.computeIfAbsent(key, k -> new ArrayList<>()).add(new NodeBus.Held(id, field, h.value()));
          return true;
        }
        return false;
      }));
      Node heir = new TreeSet<>(nodes.keySet()).stream().findFirst().map(nodes::get).orElse(null);
      if (heir != null) {
        removed.forEach((key, entries) -> {
          if (heir.orphans.keySet().stream().anyMatch(key::startsWith)) {
            entries.forEach(h -> heir.hold(key, PENDING + h.field(), h.value()));
          }
        });
        heir.orphaned(id, removed);
      }
    }
  }

  private static boolean pending(String field) {
    return !field.isEmpty() && field.charAt(0) == PENDING;
  }

  @Override
  public void close() throws InterruptedException {
    for (Node n : nodes.values()) {
      if (n.gate != null) {
        n.gate.countDown();
      }
      n.thread.shutdown();
      n.thread.awaitTermination(5, TimeUnit.SECONDS);
    }
    nodes.clear();
  }

  private final class Node implements NodeBus {
    private final String id;
    private final Map<String, Receiver> receivers = new ConcurrentHashMap<>();
    private final List<Runnable> resume = new CopyOnWriteArrayList<>();
    private final Map<String, Orphans> orphans = new ConcurrentHashMap<>();
    /** What this node held when the store restarted, to write again when it heals. */
    private final List<Map.Entry<String, Held>> kept = new CopyOnWriteArrayList<>();
    private final ExecutorService thread;
    private volatile CountDownLatch gate;
    /** The lookup answers waiting for {@link #answerLookups}, or null; guarded by the node. */
    private List<Runnable> delayed;
    private final AtomicInteger lookups = new AtomicInteger();
    /** Cut and not healed yet: its lookups fail, as the Redis bus's do until it wrote its entries again. */
    private volatile boolean lost;
    /** Topic → the messages on it kept from this node until {@link #deliverWithheld}; guarded by the node. */
    private final Map<String, List<Runnable>> withheld = new HashMap<>();

    Node(String id) {
      this.id = id;
      this.thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "test-bus-" + id);
        t.setDaemon(true);
        return t;
      });
    }

    @Override
    public String nodeId() {
      return id;
    }

    /** Whether this node was {@linkplain #kill killed}: a dead node sends and writes nothing more. */
    private boolean dead() {
      return nodes.get(id) != this;
    }

    /** Writes again what the store lost, then runs the resume actions on this node's thread. */
    private void resumed() {
      lost = false;
      kept.forEach(e -> hold(e.getKey(), e.getValue().field(), e.getValue().value()));
      kept.clear();
      thread.execute(() -> resume.forEach(Runnable::run));
    }

    @Override
    public void listen(String topic, Receiver receiver) {
      receivers.put(topic, receiver);
    }

    @Override
    public void send(String node, String topic, byte[] payload) {
      Node to = nodes.get(node);
      if (cut || to == null || to == this || dead()) {
        return;
      }
      to.deliver(id, topic, payload);
    }

    @Override
    public void broadcast(String topic, byte[] payload) {
      if (cut || dead()) {
        return;
      }
      for (Node to : nodes.values()) {
        if (to != this) {
          to.deliver(id, topic, payload);
        }
      }
    }

    private void deliver(String from, String topic, byte[] payload) {
      byte[] copy = payload.clone();
      Runnable receive = () -> {
        Receiver r = receivers.get(topic);
        if (r != null) {
          r.receive(from, copy);
        }
      };
      synchronized (this) {
        List<Runnable> kept = withheld.get(topic);
        if (kept != null) {
          kept.add(receive);
          return;
        }
      }
      thread.execute(receive);
    }

    @Override
    public void hold(String key, String field, String value) {
      if (dead()) {
        return;
      }
      synchronized (held) {
        held.computeIfAbsent(key, k -> new ConcurrentHashMap<>()).put(id + "/" + field, new Held(id, field, value));
      }
    }

    @Override
    public CompletionStage<Held> claim(String key, String field, String value) {
      CompletableFuture<Held> f = new CompletableFuture<>();
      if (cut || lost) {
        thread.execute(() -> f.completeExceptionally(new IllegalStateException("bus cut")));
        return f;
      }
      Held holder;
      synchronized (held) {
        Map<String, Held> m = held.computeIfAbsent(key, k -> new ConcurrentHashMap<>());
        Held other = m.values().stream().filter(h -> h.field().equals(field) && !h.node().equals(id)).findFirst()
            .orElse(null);
        holder = other != null ? other : m.computeIfAbsent(id + "/" + field, k -> new Held(id, field, value));
      }
      thread.execute(() -> f.complete(holder));
      return f;
    }

    @Override
    public void release(String key, String field) {
      if (dead()) {
        return;
      }
      Map<String, Held> m = held.get(key);
      if (m != null) {
        m.remove(id + "/" + field);
      }
    }

    @Override
    public void passOn(String key, String field, String node) {
      if (dead()) {
        return;
      }
      synchronized (held) {
        Map<String, Held> m = held.get(key);
        Held h = m == null ? null : m.remove(id + "/" + field);
        if (h != null) {
          m.put(node + "/" + PENDING + field, new Held(node, PENDING + field, h.value()));
        }
      }
    }

    @Override
    public void settle(String key, String field) {
      release(key, PENDING + field);
    }

    @Override
    public CompletionStage<Map<String, List<Held>>> heldElsewhere(Collection<String> keys) {
      lookups.incrementAndGet();
      CompletableFuture<Map<String, List<Held>>> f = new CompletableFuture<>();
      if (cut || lost) {
        thread.execute(() -> f.completeExceptionally(new IllegalStateException("bus cut")));
        return f;
      }
      Map<String, List<Held>> out = new LinkedHashMap<>();
      for (String k : keys) {
        Map<String, Held> m = held.get(k);
        if (m == null) {
          continue;
        }
        List<Held> list = new ArrayList<>();
        for (Held h : m.values()) {
          if (!h.node().equals(id) && !pending(h.field())) {
            list.add(h);
          }
        }
        if (!list.isEmpty()) {
          out.put(k, list);
        }
      }
      synchronized (this) {
        if (thread.isShutdown()) {
          return f; // killed: a dead node's lookups never answer
        }
        if (delayed != null) {
          delayed.add(() -> f.complete(out));
          return f;
        }
      }
      thread.execute(() -> f.complete(out));
      return f;
    }

    @Override
    public void onResume(Runnable action) {
      resume.add(action);
    }

    @Override
    public void onOrphaned(String keyPrefix, Orphans listener) {
      orphans.put(keyPrefix, listener);
    }

    /** Hands {@code node}'s removed entries to this node's listeners of their keys, on its thread. */
    private void orphaned(String node, Map<String, List<Held>> removed) {
      thread.execute(() -> orphans.forEach((prefix, listener) -> {
        Map<String, List<Held>> mine = new LinkedHashMap<>();
        removed.forEach((key, entries) -> {
          if (key.startsWith(prefix)) {
            mine.put(key, entries);
          }
        });
        if (!mine.isEmpty()) {
          listener.orphaned(node, mine);
        }
      }));
    }
  }
}
