package dev.parley.bench.mqtt;

import dev.parley.mqtt.codec.MqttPacket;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The MQTT load generator, one process per run so its sockets do not count against the broker's
 * open-file limit. Scenarios:
 * <ul>
 *   <li>{@code pairs}: N publisher/subscriber pairs, each on its own topic; each publisher keeps at
 *       most {@code window} messages on their way to its subscriber.</li>
 *   <li>{@code fanout}: one publisher, N subscribers on one topic; at most {@code window} messages
 *       not yet received by every subscriber.</li>
 *   <li>{@code idle}: N connections that only connect, then wait for a line on stdin.</li>
 * </ul>
 * Prints one line {@code RESULT key=value ...}: delivered messages per second and end-to-end
 * latency p50/p99 in microseconds (publish to receipt, same process clock).
 */
public final class LoadGen {
  private final Map<String, String> opts;
  private final int port;
  /** Where publishers connect: {@code --pub-port}, another cluster node's, or the subscribers' port. */
  private final int pubPort;
  private final int qos;
  private final int window;
  private final int size;
  private final Recorder latency = new Recorder(TimeUnit.SECONDS.toNanos(60), 3);
  private final LongAdder delivered = new LongAdder();
  private volatile boolean measuring;
  private EventLoopGroup group;

  private LoadGen(Map<String, String> opts) {
    this.opts = opts;
    this.port = Integer.parseInt(opts.get("port"));
    this.pubPort = Integer.parseInt(opts.getOrDefault("pub-port", opts.get("port")));
    this.qos = Integer.parseInt(opts.getOrDefault("qos", "0"));
    this.window = Integer.parseInt(opts.getOrDefault("window", "16"));
    this.size = Integer.parseInt(opts.getOrDefault("size", "64"));
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new HashMap<>();
    for (String a : args) {
      int eq = a.indexOf('=');
      opts.put(a.substring(2, eq), a.substring(eq + 1));
    }
    LoadGen g = new LoadGen(opts);
    g.group = new MultiThreadIoEventLoopGroup(Integer.parseInt(opts.getOrDefault("threads", "2")),
        new DefaultThreadFactory("loadgen", true), EpollIoHandler.newFactory());
    try {
      switch (opts.get("scenario")) {
        case "pairs":
          g.pairs(Integer.parseInt(opts.getOrDefault("pairs", "500")));
          break;
        case "fanout":
          g.fanout(Integer.parseInt(opts.getOrDefault("subscribers", "1000")));
          break;
        case "idle":
          g.idle(Integer.parseInt(opts.getOrDefault("connections", "19000")));
          break;
        default:
          throw new IllegalArgumentException("unknown scenario " + opts.get("scenario"));
      }
    } finally {
      g.group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
    System.exit(0);
  }

  private byte[] payload(long seq) {
    byte[] b = new byte[size];
    ByteBuffer.wrap(b).putLong(System.nanoTime()).putLong(seq);
    return b;
  }

  private void received(MqttPacket.Publish p) {
    if (measuring) {
      long sentAt = ByteBuffer.wrap(p.payload()).getLong();
      latency.recordValue(Math.max(0, System.nanoTime() - sentAt));
      delivered.increment();
    }
  }

  private List<BenchClient> open(int n, String prefix, IntFunction<Consumer<MqttPacket.Publish>> handlers) {
    return open(port, n, prefix, handlers);
  }

  private List<BenchClient> open(int to, int n, String prefix, IntFunction<Consumer<MqttPacket.Publish>> handlers) {
    List<BenchClient> out = new ArrayList<>(n);
    // Connects in flight at once stay under the broker's listen backlog (Mosquitto's is 100).
    int batch = Integer.parseInt(opts.getOrDefault("batch", "100"));
    for (int start = 0; start < n; start += batch) {
      int end = Math.min(n, start + batch);
      for (int i = start; i < end; i++) {
        out.add(BenchClient.open(group, to, prefix + i, handlers.apply(i)));
      }
      // A connect that fails on a busy machine (SYN queue, port reuse) is retried: connection setup
      // is not what is measured. How many needed a retry is printed.
      for (int round = 0; ; round++) {
        List<Integer> failed = new ArrayList<>();
        for (int i = start; i < end; i++) {
          try {
            out.get(i).connected.orTimeout(120, TimeUnit.SECONDS).join();
          } catch (CompletionException e) {
            failed.add(i);
          }
        }
        if (failed.isEmpty()) {
          break;
        }
        if (round == 3) {
          throw new IllegalStateException(failed.size() + " connections failed after 3 retries");
        }
        System.out.println("retrying " + failed.size() + " connection(s)");
        for (int i : failed) {
          out.set(i, BenchClient.open(group, port, prefix + i, handlers.apply(i)));
        }
      }
    }
    return out;
  }

  /** One publisher and its subscriber. */
  private final class Pair {
    final String topic;
    BenchClient pub;
    long sent;
    final AtomicLong received = new AtomicLong();
    final AtomicBoolean stalled = new AtomicBoolean();
    int packetId;

    Pair(String topic) {
      this.topic = topic;
    }

    /** On the publisher's event loop. */
    void sendMore() {
      boolean wrote = false;
      while (sent - received.get() < window) {
        packetId = packetId == 65_535 ? 1 : packetId + 1;
        pub.channel.write(new MqttPacket.Publish(topic, qos, false, qos == 0 ? 0 : packetId, payload(sent)),
            pub.channel.voidPromise());
        sent++;
        wrote = true;
      }
      stalled.set(true);
      // A receipt may have landed between the check and the flag.
      if (sent - received.get() < window && stalled.compareAndSet(true, false)) {
        pub.channel.eventLoop().execute(this::sendMore);
      }
      if (wrote) {
        pub.channel.flush();
      }
    }

    void onReceipt() {
      received.incrementAndGet();
      if (stalled.compareAndSet(true, false)) {
        pub.channel.eventLoop().execute(this::sendMore);
      }
    }
  }

  private void pairs(int n) throws Exception {
    List<Pair> pairs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      pairs.add(new Pair("bench/pair/" + i));
    }
    List<BenchClient> subs = open(n, "sub-", i -> p -> {
      received(p);
      pairs.get(i).onReceipt();
    });
    for (int i = 0; i < n; i++) {
      subs.get(i).subscribe(pairs.get(i).topic, qos);
    }
    join(subs);
    settle();
    List<BenchClient> pubs = open(pubPort, n, "pub-", i -> p -> { });
    for (int i = 0; i < n; i++) {
      Pair p = pairs.get(i);
      p.pub = pubs.get(i);
      p.pub.channel.eventLoop().execute(p::sendMore);
    }
    measure("pairs", n);
  }

  private void fanout(int n) throws Exception {
    int ring = 4096;
    AtomicIntegerArray counts = new AtomicIntegerArray(ring);
    AtomicLong complete = new AtomicLong();
    AtomicBoolean stalled = new AtomicBoolean();
    BenchClient[] pub = new BenchClient[1];
    long[] sent = new long[1];
    Runnable[] sendMore = new Runnable[1];
    sendMore[0] = () -> {
      boolean wrote = false;
      int[] pid = {0};
      while (sent[0] - complete.get() < window) {
        pid[0] = (int) (sent[0] % 65_535) + 1;
        pub[0].channel.write(new MqttPacket.Publish("bench/fan", qos, false, qos == 0 ? 0 : pid[0], payload(sent[0])),
            pub[0].channel.voidPromise());
        sent[0]++;
        wrote = true;
      }
      stalled.set(true);
      if (sent[0] - complete.get() < window && stalled.compareAndSet(true, false)) {
        pub[0].channel.eventLoop().execute(sendMore[0]);
      }
      if (wrote) {
        pub[0].channel.flush();
      }
    };
    List<BenchClient> subs = open(n, "fan-", i -> p -> {
      received(p);
      long seq = ByteBuffer.wrap(p.payload()).getLong(8);
      int slot = (int) (seq % ring);
      if (counts.incrementAndGet(slot) == n) {
        counts.set(slot, 0);
        complete.incrementAndGet();
        if (stalled.compareAndSet(true, false)) {
          pub[0].channel.eventLoop().execute(sendMore[0]);
        }
      }
    });
    for (BenchClient s : subs) {
      s.subscribe("bench/fan", qos);
    }
    join(subs);
    settle();
    pub[0] = open(pubPort, 1, "fan-pub-", i -> p -> { }).get(0);
    pub[0].channel.eventLoop().execute(sendMore[0]);
    measure("fanout", n);
  }

  /**
   * Waits {@code --settle-ms} after the subscriptions were acknowledged: on a cluster they reach
   * the publishers' node over the bus a moment later, and a run whose first messages miss a
   * subscriber would stall its window.
   */
  private void settle() throws InterruptedException {
    Thread.sleep(Long.parseLong(opts.getOrDefault("settle-ms", "0")));
  }

  private static void join(List<BenchClient> subs) {
    CompletableFuture.allOf(subs.stream().map(s -> s.subscribed).toArray(CompletableFuture[]::new))
        .orTimeout(120, TimeUnit.SECONDS).join();
  }

  private void measure(String scenario, int n) throws InterruptedException {
    int warmup = Integer.parseInt(opts.getOrDefault("warmup", "5"));
    int duration = Integer.parseInt(opts.getOrDefault("duration", "15"));
    measuring = true;
    Thread.sleep(warmup * 1000L);
    latency.reset();
    delivered.reset();
    long t0 = System.nanoTime();
    Thread.sleep(duration * 1000L);
    long count = delivered.sum();
    double seconds = (System.nanoTime() - t0) / 1e9;
    Histogram h = latency.getIntervalHistogram();
    measuring = false;
    System.out.printf("RESULT scenario=%s n=%d qos=%d window=%d size=%d msgs_per_s=%.0f p50_us=%.0f p99_us=%.0f "
        + "max_us=%.0f%n", scenario, n, qos, window, size, count / seconds, h.getValueAtPercentile(50) / 1e3,
        h.getValueAtPercentile(99) / 1e3, h.getMaxValue() / 1e3);
    System.out.flush();
  }

  private void idle(int n) throws Exception {
    List<BenchClient> conns = open(n, "idle-", i -> p -> { });
    System.out.println("CONNECTED " + conns.size());
    System.out.flush();
    new BufferedReader(new InputStreamReader(System.in)).readLine();
    for (BenchClient c : conns) {
      c.channel.close();
    }
  }
}
