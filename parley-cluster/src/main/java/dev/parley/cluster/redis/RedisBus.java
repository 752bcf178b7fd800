package dev.parley.cluster.redis;

import dev.parley.core.cluster.NodeBus;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link NodeBus} on Redis.
 *
 * <p>Messages go over Redis pub/sub: each node subscribes to its own channel ({@code
 * parley:bus:<node>}) and to {@code parley:bus:all}; a message is framed as sender, topic and
 * payload. Redis runs one connection's PUBLISHes in the order sent and hands them to a subscriber in
 * that order, which gives the order the contract promises; while Redis is away a publish fails at
 * once (the connection rejects commands) and the message is counted as dropped.
 *
 * <p>Held entries are fields {@code <node>/<field>} of the hash {@code {parley}:held:<key>}, written and removed on
 * the messages' connection (a node that got a message sent after a hold finds the entry when it looks), and each
 * node lists what it holds in the set {@code {parley}:holds:<node>} so that whoever drops a dead node can remove its
 * entries ({@link #purge}; the script answers what it removed, and this node hands that to the {@linkplain
 * #onOrphaned listeners}: of several nodes purging one dead node at once, only the first removes anything). What a
 * listener takes stays in Redis as a pending entry of this node until the listener {@linkplain #settle settles}
 * it, moved there by the purge's own script; if this node dies first, whoever purges it gets the entry again.
 * Every change of entries is one {@linkplain BusScripts script} (a claim looks and writes with nothing in
 * between); the purge names keys it does not declare, all in the hash slot of {@code {parley}}: in a Redis
 * Cluster it runs on one shard. The node
 * keeps its own entries in memory as well: after any of its connections to Redis dropped, the next {@link #tick}
 * that finds Redis and the subscription back writes them all again (a restarted Redis is empty) and then runs the
 * resume actions.
 *
 * <p>Receivers, resume actions and orphan listeners run on one thread of the bus's own; {@link #tick} and {@link
 * #purge} on the cluster thread (they block on Redis).
 */
public final class RedisBus implements NodeBus, AutoCloseable {
  /** Channel of messages to every node. */
  public static final String ALL = "parley:bus:all";
  private static final String CHANNEL = "parley:bus:";
  // One hash slot for every key the scripts touch, so that they run on one shard of a Redis Cluster.
  private static final String HELD = "{parley}:held:";
  private static final String HOLDS = "{parley}:holds:";
  private static final char SEPARATOR = '\u0000';
  private static final Duration REWRITE_TIMEOUT = Duration.ofSeconds(10);
  private static final Logger log = LoggerFactory.getLogger(RedisBus.class);

  private final String nodeId;
  private final StatefulRedisPubSubConnection<byte[], byte[]> subscriber;
  private final StatefulConnection<byte[], byte[]> publisher;
  private final RedisClusterAsyncCommands<byte[], byte[]> publish;
  private final RedisClusterAsyncCommands<String, String> async;
  private final RedisClusterCommands<String, String> sync;
  private final ExecutorService thread;
  private final Map<String, Receiver> receivers = new ConcurrentHashMap<>();
  private final List<Runnable> resume = new CopyOnWriteArrayList<>();
  /** Who takes the entries of purged nodes; used on the bus thread only. */
  private final Orphanage orphanage = new Orphanage(this::pend);
  /** The key prefixes of the orphan listeners: what a purge finds under them becomes this node's, pending. */
  private final List<String> taking = new CopyOnWriteArrayList<>();
  /** What this node holds: key -> field -> value. */
  private final OwnEntries mine = new OwnEntries();
  private final Counter sent;
  private final Counter received;
  private final Counter dropped;
  private volatile boolean lost;

  /** @param links the connections to Redis, failing fast while it is away */
  public RedisBus(String nodeId, RedisLinks links, MeterRegistry metrics) {
    if (nodeId.indexOf('/') >= 0 || nodeId.indexOf(SEPARATOR) >= 0) {
      throw new IllegalArgumentException("a node id may not contain '/': " + nodeId);
    }
    this.nodeId = nodeId;
    this.subscriber = links.subscriber();
    this.publisher = links.publisher();
    this.publish = links.publish();
    this.async = links.async();
    this.sync = links.sync();
    this.thread = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "parley-bus");
      t.setDaemon(true);
      return t;
    });
    this.sent = Counter.builder("parley_cluster_bus_sent").description("Messages this node sent to other nodes")
        .register(metrics);
    this.received = Counter.builder("parley_cluster_bus_received")
        .description("Messages this node received from other nodes").register(metrics);
    this.dropped = Counter.builder("parley_cluster_bus_dropped")
        .description("Messages lost: Redis unreachable, no node listening, or no receiver for the topic")
        .register(metrics);
    RedisConnectionStateListener watch = new RedisConnectionStateListener() {
      @Override
      public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
        lost = true;
      }
    };
    subscriber.addListener(watch);
    publisher.addListener(watch);
    links.commands().addListener(watch);
    subscriber.addListener(new RedisPubSubAdapter<>() {
      @Override
      public void message(byte[] channel, byte[] message) {
        arrived(message);
      }
    });
  }

  /** Removes what a previous run of this node left (killed and started again under its id), then subscribes. Blocks; call once. */
  public void start() {
    purge(nodeId, true);
    subscriber.sync().subscribe(bytes(CHANNEL + nodeId), bytes(ALL));
    lost = false;
  }

  @Override
  public String nodeId() {
    return nodeId;
  }

  @Override
  public void listen(String topic, Receiver receiver) {
    receivers.put(topic, receiver);
  }

  @Override
  public void send(String node, String topic, byte[] payload) {
    if (!node.equals(nodeId)) {
      publish(CHANNEL + node, topic, payload);
    }
  }

  @Override
  public void broadcast(String topic, byte[] payload) {
    publish(ALL, topic, payload);
  }

  private void publish(String channel, String topic, byte[] payload) {
    byte[] frame;
    try {
      frame = Frame.encode(nodeId, topic, payload);
    } catch (IllegalArgumentException e) {
      dropped.increment();
      log.warn("cluster bus: not sent: {}", e.getMessage());
      return;
    }
    try {
      publish.publish(bytes(channel), frame).whenComplete((listeners, err) -> {
        if (err != null || listeners == null || listeners == 0) {
          dropped.increment();
        } else {
          sent.increment();
        }
      });
    } catch (RedisException e) {
      dropped.increment();
    }
  }

  private void arrived(byte[] message) {
    Frame f = Frame.parse(message);
    if (f == null || f.from().equals(nodeId)) {
      // Not a frame (written by something else), or this node's own broadcast coming back.
      if (f == null) {
        dropped.increment();
      }
      return;
    }
    try {
      thread.execute(() -> {
        Receiver r = receivers.get(f.topic());
        if (r == null) {
          dropped.increment();
          return;
        }
        received.increment();
        try {
          r.receive(f.from(), f.payload());
        } catch (RuntimeException e) {
          log.warn("cluster bus: receiver of {} failed on a message from {}", f.topic(), f.from(), e);
        }
      });
    } catch (RejectedExecutionException e) {
      dropped.increment(); // stopping
    }
  }

  @Override
  public void hold(String key, String field, String value) {
    mine.put(key, field, value);
    try {
      write(key, field, value);
    } catch (RedisException e) {
      lost = true; // written again when Redis is back
    }
  }

  /** The entry and its index line in one script: a node dying between the two leaves neither half. */
  private RedisFuture<Long> write(String key, String field, String value) {
    return ordered(BusScripts.HOLD, new String[] {HELD + key, HOLDS + nodeId}, nodeId + "/" + field, value,
        key + SEPARATOR + field);
  }

  /** A script changing this node's entries, on the messages' connection: Redis runs both in the order sent. */
  private RedisFuture<Long> ordered(String script, String[] keys, String... args) {
    return publish.eval(script, ScriptOutputType.INTEGER,
        Arrays.stream(keys).map(RedisBus::bytes).toArray(byte[][]::new),
        Arrays.stream(args).map(RedisBus::bytes).toArray(byte[][]::new));
  }

  @Override
  public CompletionStage<Held> claim(String key, String field, String value) {
    CompletableFuture<Held> answer = new CompletableFuture<>();
    RedisFuture<List<Object>> reply;
    try {
      reply = async.eval(BusScripts.CLAIM, ScriptOutputType.MULTI, new String[] {HELD + key, HOLDS + nodeId},
          nodeId + "/" + field, value, key + SEPARATOR + field, field);
    } catch (RedisException e) {
      lost = true;
      thread.execute(() -> answer.completeExceptionally(e));
      return answer;
    }
    reply.whenComplete((r, err) -> thread.execute(() -> {
      if (err != null) {
        answer.completeExceptionally(err);
        return;
      }
      String f = String.valueOf(r.get(0));
      String v = String.valueOf(r.get(1));
      String node = f.substring(0, f.indexOf('/'));
      if (node.equals(nodeId)) {
        mine.putIfAbsent(key, field, v);
      }
      answer.complete(new Held(node, field, v));
    }));
    return answer;
  }

  @Override
  public void release(String key, String field) {
    mine.remove(key, field);
    try {
      ordered(BusScripts.RELEASE, new String[] {HELD + key, HOLDS + nodeId}, nodeId + "/" + field,
          key + SEPARATOR + field);
    } catch (RedisException e) {
      lost = true;
    }
  }

  @Override
  public void passOn(String key, String field, String node) {
    mine.remove(key, field);
    try {
      ordered(BusScripts.PASS, new String[] {HELD + key, HOLDS + nodeId, HOLDS + node}, nodeId + "/" + field,
          node + "/" + BusScripts.PENDING + field, key + SEPARATOR + field, key + SEPARATOR + BusScripts.PENDING + field);
    } catch (RedisException e) {
      lost = true;
    }
  }

  @Override
  public void settle(String key, String field) {
    release(key, BusScripts.PENDING + field);
  }

  @Override
  public CompletionStage<Map<String, List<Held>>> heldElsewhere(Collection<String> keys) {
    List<String> asked = List.copyOf(keys);
    List<CompletableFuture<Map<String, String>>> answers = new ArrayList<>(asked.size());
    try {
      away();
      for (String k : asked) {
        RedisFuture<Map<String, String>> f = async.hgetall(HELD + k);
        answers.add(f.toCompletableFuture());
      }
    } catch (RedisException e) {
      CompletableFuture<Map<String, List<Held>>> failed = new CompletableFuture<>();
      thread.execute(() -> failed.completeExceptionally(e));
      return failed;
    }
    return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).thenApplyAsync(v -> {
      away();
      Map<String, List<Held>> out = new LinkedHashMap<>();
      for (int i = 0; i < asked.size(); i++) {
        List<Held> list = new ArrayList<>();
        for (Map.Entry<String, String> e : answers.get(i).join().entrySet()) {
          int slash = e.getKey().indexOf('/');
          String node = slash < 0 ? "" : e.getKey().substring(0, slash);
          boolean pending = slash + 1 < e.getKey().length() && e.getKey().charAt(slash + 1) == BusScripts.PENDING;
          if (slash > 0 && !node.equals(nodeId) && !pending) {
            list.add(new Held(node, e.getKey().substring(slash + 1), e.getValue()));
          }
        }
        if (!list.isEmpty()) {
          out.put(asked.get(i), list);
        }
      }
      return out;
    }, thread);
  }

  /** Refuses a read between a dropped connection and this node's rewrite: a restarted Redis may hold some nodes' entries only. */
  private void away() {
    if (lost) {
      throw new RedisException("Redis was away; entries not written again yet");
    }
  }

  @Override
  public void onResume(Runnable action) {
    resume.add(action);
  }

  /**
   * On the cluster thread after each heartbeat that reached Redis: if a connection dropped since
   * the last tick and the subscription is back, writes this node's entries again and runs the
   * resume actions. Answers whether it resumed.
   */
  public boolean tick() {
    if (!lost || !subscriber.isOpen() || !publisher.isOpen()) {
      return false;
    }
    lost = false;
    try {
      // Pipelined: every entry is sent at once and the answers awaited together.
      List<RedisFuture<Long>> writes = new ArrayList<>();
      mine.all().forEach(e -> writes.add(write(e.key(), e.field(), e.value())));
      if (!LettuceFutures.awaitAll(REWRITE_TIMEOUT, writes.toArray(RedisFuture[]::new))) {
        throw new RedisException("held entries not written within " + REWRITE_TIMEOUT);
      }
      int n = writes.size();
      log.info("cluster bus: Redis back; {} held entr{} written again", n, n == 1 ? "y" : "ies");
    } catch (RedisException e) {
      lost = true;
      return false;
    }
    thread.execute(() -> resume.forEach(action -> {
      try {
        action.run();
      } catch (RuntimeException e) {
        log.warn("cluster bus: a resume action failed", e);
      }
    }));
    return true;
  }

  /** Removes every entry {@code node} holds (gone, or starting again) for the {@linkplain #onOrphaned listeners}. Blocks. */
  public void purge(String node) {
    purge(node, false);
  }

  /** {@code keep}: what no listener takes waits for one (the start's purge), pending once taken; else pending at once. */
  private void purge(String node, boolean keep) {
    List<String> prefixes = keep ? List.of() : List.copyOf(taking);
    List<Object> removed = remove(node, prefixes);
    if (removed == null || removed.isEmpty()) {
      return;
    }
    int n = removed.size() / 2;
    log.info("cluster bus: removed {} entr{} held by node {}", n, n == 1 ? "y" : "ies", node);
    Map<String, List<Held>> byKey = Orphanage.byKey(node, removed, SEPARATOR);
    byKey.forEach((key, entries) -> {
      if (prefixes.stream().anyMatch(key::startsWith)) {
        entries.forEach(h -> mine.put(key, BusScripts.PENDING + h.field(), h.value()));
      }
    });
    try {
      thread.execute(() -> orphanage.removed(node, byKey, keep));
    } catch (RejectedExecutionException e) {
      log.debug("cluster bus: stopping; the entries of node {} go to nobody", node);
    }
  }

  /** Entries a listener of this node took from a purge that kept them: they are this node's, pending, from now on. */
  private void pend(Map<String, List<Held>> taken) {
    taken.forEach((key, entries) -> entries.forEach(h -> hold(key, BusScripts.PENDING + h.field(), h.value())));
  }

  /** The entries of {@code node} one script removed (flat: member, value; under {@code prefixes} now pending here). */
  private List<Object> remove(String node, List<String> prefixes) {
    List<String> args = new ArrayList<>(List.of(HELD, node + "/", nodeId + "/"));
    args.addAll(prefixes);
    try {
      // One script, one round trip: however many entries the node held, and nothing left half done.
      return sync.eval(BusScripts.PURGE, ScriptOutputType.MULTI, new String[] {HOLDS + node, HOLDS + nodeId},
          args.toArray(String[]::new));
    } catch (RedisException e) {
      log.warn("cluster bus: could not remove the entries of node {} ({})", node, e.getMessage());
      return null;
    }
  }

  @Override
  public void onOrphaned(String keyPrefix, Orphans listener) {
    taking.add(keyPrefix);
    try {
      thread.execute(() -> orphanage.listen(keyPrefix, listener));
    } catch (RejectedExecutionException e) {
      // Stopping.
    }
  }

  /** Removes this node's entries, unsubscribes and stops the bus thread. */
  @Override
  public void close() {
    remove(nodeId, List.of()); // what this node held goes with it, to nobody: it let go of what it could hand on
    mine.clear();
    try {
      subscriber.sync().unsubscribe(bytes(CHANNEL + nodeId), bytes(ALL));
    } catch (RedisException e) {
      log.debug("cluster bus: unsubscribe failed ({})", e.getMessage());
    }
    thread.shutdown();
    try {
      thread.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
