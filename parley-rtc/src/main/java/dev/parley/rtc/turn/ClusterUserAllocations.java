package dev.parley.rtc.turn;

import dev.parley.core.cluster.NodeBus;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link UserAllocations} of a cluster: each node counts its own allocations per user and tells the
 * others every change over the bus ({@value #COUNT}: one user's count here now). A quota check adds
 * what the other nodes alive last said, so it never blocks: allocations racing on two nodes may pass
 * the quota by those in flight, never by more. A node starting, or back after a bus outage, sends
 * all its counts ({@value #ALL}, replacing what the others knew of it: a restarted node holds
 * nothing) and asks the others for theirs ({@value #ASK}). The counts of a node that left the
 * cluster view no longer count: its allocations died with it.
 *
 * <p>Counts are absolute, not deltas, and each change is sent under this node's lock in the order
 * made, so the bus's per-sender order leaves every node with this node's latest count.
 */
public final class ClusterUserAllocations implements UserAllocations {
  static final String COUNT = "rtc.turn.count";
  static final String ALL = "rtc.turn.all";
  static final String ASK = "rtc.turn.ask";
  private static final Logger log = LoggerFactory.getLogger(ClusterUserAllocations.class);

  private final NodeBus bus;
  private final Supplier<Collection<String>> alive;
  /** This node's counts; changed and sent under {@code this}. */
  private final Map<String, Integer> mine = new HashMap<>();
  /** Node id -> user -> the count that node last sent. */
  private final Map<String, Map<String, Integer>> others = new ConcurrentHashMap<>();

  /**
   * Listens on {@code bus}; call {@link #start} once the node serves.
   *
   * @param alive the ids of the nodes in this node's view of the cluster
   */
  public ClusterUserAllocations(NodeBus bus, Supplier<Collection<String>> alive) {
    this.bus = bus;
    this.alive = alive;
    bus.listen(COUNT, (from, payload) -> received(from, payload, false));
    bus.listen(ALL, (from, payload) -> received(from, payload, true));
    bus.listen(ASK, (from, payload) -> {
      synchronized (this) {
        bus.send(from, ALL, encode(mine));
      }
    });
    bus.onResume(this::start);
  }

  /** Tells the others what this node holds and asks for what they hold. */
  public void start() {
    synchronized (this) {
      bus.broadcast(ALL, encode(mine));
    }
    bus.broadcast(ASK, new byte[0]);
  }

  @Override
  public boolean tryAcquire(String userId, int limit) {
    int elsewhere = elsewhere(userId);
    synchronized (this) {
      int here = mine.getOrDefault(userId, 0);
      if (limit > 0 && here + elsewhere >= limit) {
        return false;
      }
      mine.put(userId, here + 1);
      bus.broadcast(COUNT, encode(Map.of(userId, here + 1)));
      return true;
    }
  }

  @Override
  public void release(String userId) {
    synchronized (this) {
      Integer here = mine.get(userId);
      if (here == null) {
        return;
      }
      if (here <= 1) {
        mine.remove(userId);
      } else {
        mine.put(userId, here - 1);
      }
      bus.broadcast(COUNT, encode(Map.of(userId, here - 1)));
    }
  }

  @Override
  public int heldBy(String userId) {
    int here;
    synchronized (this) {
      here = mine.getOrDefault(userId, 0);
    }
    return here + elsewhere(userId);
  }

  /** What the nodes alive, other than this one, last said {@code userId} holds there. */
  private int elsewhere(String userId) {
    if (others.isEmpty()) {
      return 0;
    }
    Collection<String> nodes = alive.get();
    int sum = 0;
    for (Map.Entry<String, Map<String, Integer>> e : others.entrySet()) {
      if (nodes.contains(e.getKey())) {
        sum += e.getValue().getOrDefault(userId, 0);
      }
    }
    return sum;
  }

  private void received(String from, byte[] payload, boolean replaces) {
    Map<String, Integer> counts;
    try {
      counts = decode(payload);
    } catch (IOException | RuntimeException e) {
      log.warn("rtc: a TURN count from node {} could not be read ({}); ignored", from, e.toString());
      return;
    }
    Map<String, Integer> theirs = replaces ? new ConcurrentHashMap<>()
        : others.computeIfAbsent(from, k -> new ConcurrentHashMap<>());
    counts.forEach((user, n) -> {
      if (n > 0) {
        theirs.put(user, n);
      } else {
        theirs.remove(user);
      }
    });
    if (replaces) {
      others.put(from, theirs);
    }
  }

  static byte[] encode(Map<String, Integer> counts) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(counts.size());
      for (Map.Entry<String, Integer> e : counts.entrySet()) {
        out.writeUTF(e.getKey());
        out.writeInt(e.getValue());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  static Map<String, Integer> decode(byte[] payload) throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload));
    int n = in.readInt();
    if (n < 0 || n > payload.length) {
      throw new IOException("bad count of entries: " + n);
    }
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < n; i++) {
      counts.put(in.readUTF(), in.readInt());
    }
    if (in.available() > 0) {
      throw new IOException("trailing bytes");
    }
    return counts;
  }
}
