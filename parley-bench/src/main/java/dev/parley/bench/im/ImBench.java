package dev.parley.bench.im;

import com.sun.management.OperatingSystemMXBean;
import dev.parley.bench.Metrics;
import dev.parley.bench.ServerProcess;
import dev.parley.core.auth.TokenService;
import dev.parley.protocol.im.Frame;
import dev.parley.protocol.im.GroupCreate;
import dev.parley.protocol.im.Message;
import dev.parley.protocol.im.MessageKind;
import dev.parley.protocol.im.Send;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntUnaryOperator;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * IM benchmarks against the server as a separate process:
 * <pre>
 *   java -cp parley-bench/target/parley-bench.jar dev.parley.bench.im.ImBench idle [connections]
 *   java -cp parley-bench/target/parley-bench.jar dev.parley.bench.im.ImBench throughput [pairs] [window] [seconds]
 *   java -cp parley-bench/target/parley-bench.jar dev.parley.bench.im.ImBench fanout [members] [window] [seconds]
 * </pre>
 * Run from the repository root after {@code ./parley build}.
 */
public final class ImBench {
  static final String SECRET = "bench-secret-bench-secret-bench-secret-0123";

  private ImBench() {}

  static final int WARMUP_SECONDS = Integer.getInteger("bench.warmup", 15);

  public static void main(String[] args) throws Exception {
    String mode = args.length > 0 ? args[0] : "throughput";
    switch (mode) {
      case "idle" -> idle(arg(args, 1, 19_000));
      case "throughput" -> throughput(arg(args, 1, 200), arg(args, 2, 64), arg(args, 3, 20), arg(args, 4, 0));
      case "fanout" -> fanout(arg(args, 1, 1000), arg(args, 2, 8), arg(args, 3, 20));
      default -> throw new IllegalArgumentException("mode: idle | throughput | fanout");
    }
  }

  private static int arg(String[] args, int i, int def) {
    return args.length > i ? Integer.parseInt(args[i]) : def;
  }

  static List<String> serverFlags(int tcpPort, String... extra) {
    List<String> f = new ArrayList<>(List.of("--im.tcp.port=" + tcpPort, "--auth.jwt.secret=" + SECRET,
        "--log.level=warn", "--im.rate.requests-per-second=10000000", "--im.rate.burst=10000000",
        "--im.rate.logins-per-second-per-ip=1000000", "--im.rate.login-burst-per-ip=1000000",
        "--im.tcp.max-connections-per-ip=0"));
    f.addAll(List.of(extra));
    return f;
  }

  /** JVM options for the server, plus any given in -Dbench.serverJvm (for a profiler, say). */
  static List<String> jvm(String... options) {
    List<String> out = new ArrayList<>(List.of(options));
    String extra = System.getProperty("bench.serverJvm", "");
    if (!extra.isBlank()) {
      out.addAll(List.of(extra.trim().split("\\s+")));
    }
    return out;
  }

  static TokenService tokens() {
    return new TokenService(SECRET, Map.of(), null, Duration.ofSeconds(30), Clock.systemUTC());
  }

  // -----------------------------------------------------------------------------------------------

  /** N authenticated idle connections with heartbeats: heap after GC and RSS per connection. */
  static void idle(int n) throws Exception {
    int tcp = ServerProcess.freePort();
    try (ServerProcess server = ServerProcess.start(List.of("-Xmx1g"), ServerProcess.freePort(),
        serverFlags(tcp, "--im.heartbeat.max-interval=60s"));
        LoadClients clients = new LoadClients(2, tcp, new LoadClients.Listener() { })) {
      TokenService tokens = tokens();
      Thread.sleep(3000);
      long heap0 = server.heapAfterGc();
      long rss0 = server.rssBytes();
      long t0 = System.nanoTime();
      List<LoadClients.Conn> conns = new ArrayList<>(n);
      for (int start = 0; start < n; start += 500) {
        List<CompletableFuture<LoadClients.Conn>> batch = new ArrayList<>();
        for (int i = start; i < Math.min(n, start + 500); i++) {
          batch.add(clients.connect("idle" + i, "d", tokens.mint("idle" + i, Duration.ofHours(2)), true));
        }
        for (CompletableFuture<LoadClients.Conn> f : batch) {
          conns.add(f.get(60, TimeUnit.SECONDS));
        }
      }
      double loginSeconds = (System.nanoTime() - t0) / 1e9;
      // Heartbeats every 30 s, spread over the interval.
      for (int i = 0; i < conns.size(); i++) {
        LoadClients.Conn c = conns.get(i);
        c.channel.eventLoop().scheduleAtFixedRate(c::heartbeat, 30_000L * i / conns.size(), 30_000,
            TimeUnit.MILLISECONDS);
      }
      Thread.sleep(10_000);
      long heap1 = server.heapAfterGc();
      long rss1 = server.rssBytes();
      System.out.printf("idle: %d connections logged in in %.1f s%n", conns.size(), loginSeconds);
      System.out.printf("idle: heap after GC %.1f MiB -> %.1f MiB: %.0f bytes per connection%n", heap0 / 1048576.0,
          heap1 / 1048576.0, (heap1 - heap0) / (double) n);
      System.out.printf("idle: RSS %.1f MiB -> %.1f MiB: %.0f bytes per connection%n", rss0 / 1048576.0,
          rss1 / 1048576.0, (rss1 - rss0) / (double) n);
      long cpu0 = server.cpuMillis();
      // Past the idle timeout (90 s): heartbeats must have kept every connection.
      Thread.sleep(100_000);
      long cpu1 = server.cpuMillis();
      System.out.printf("idle: %d of %d connections open after 110 s (idle timeout 90 s); server CPU %.1f%% of a core "
          + "while idle with heartbeats%n", clients.open.get(), n, (cpu1 - cpu0) / 1000.0);
    }
  }

  // -----------------------------------------------------------------------------------------------

  /**
   * Durable 1:1 throughput (SendAck after commit), then latency at half that rate on a fresh
   * server (so the second run does not start with the first run's data); with {@code rate} &gt; 0,
   * only latency at that rate.
   */
  static void throughput(int pairs, int window, int seconds, int rate) throws Exception {
    double offered = rate;
    if (rate <= 0) {
      int tcp = ServerProcess.freePort();
      try (ServerProcess server = ServerProcess.start(jvm("-Xmx2g"), ServerProcess.freePort(), serverFlags(tcp))) {
        offered = pairsRun(server, tcp, pairs, window, seconds, 0, "full load") / 2;
      }
    }
    int tcp = ServerProcess.freePort();
    try (ServerProcess server = ServerProcess.start(jvm("-Xmx2g"), ServerProcess.freePort(), serverFlags(tcp))) {
      pairsRun(server, tcp, pairs, window, seconds, offered, rate <= 0 ? "half load" : "fixed rate");
    }
  }

  /**
   * Senders s0..s(P-1) send to r0..r(P-1); with {@code rate} 0 each keeps {@code window} sends in
   * flight, else they send {@code rate} messages a second in all. Returns acknowledged sends/s.
   */
  static double pairsRun(ServerProcess server, int tcp, int pairs, int window, int seconds, double rate, String label)
      throws Exception {
    return pairsRun(new Placement(List.of(server), i -> tcp, i -> tcp), pairs, window, seconds, rate, label).perSecond();
  }

  /**
   * Where a pairs run connects: the servers measured (their CPU summed), and the IM TCP port of
   * sender {@code i} and of receiver {@code i} (another node's, for messages across nodes).
   */
  record Placement(List<ServerProcess> servers, IntUnaryOperator senderPort, IntUnaryOperator receiverPort) {}

  /** What a pairs run measured: acknowledged sends/s, send-to-push latency in ms, servers' CPU in % of a core. */
  record Result(double perSecond, double p50, double p99, double serverPercent) {}

  /** As {@link #pairsRun(ServerProcess, int, int, int, int, double, String)}, on the nodes of {@code at}. */
  static Result pairsRun(Placement at, int pairs, int window, int seconds, double rate, String label)
      throws Exception {
    TokenService tokens = tokens();
    String run = "r" + System.nanoTime() % 100000;
    Histogram e2e = new ConcurrentHistogram(TimeUnit.SECONDS.toNanos(60), 3);
    Histogram ackLatency = new ConcurrentHistogram(TimeUnit.SECONDS.toNanos(60), 3);
    AtomicLong acked = new AtomicLong();
    AtomicLong delivered = new AtomicLong();
    boolean[] measuring = {false};
    boolean[] running = {true};
    AtomicLong ids = new AtomicLong();
    LoadClients.Listener listener = new LoadClients.Listener() {
      @Override
      public void onSendAck(LoadClients.Conn c, Frame f, long nanos) {
        if (f.getSendAck().getSeq() == 0) {
          return;
        }
        String id = f.getSendAck().getClientId();
        long sentAt = Long.parseLong(id.substring(id.indexOf('/') + 1));
        if (measuring[0]) {
          acked.incrementAndGet();
          ackLatency.recordValue(nanos - sentAt);
        }
        if (rate == 0 && running[0]) {
          send(c, ids);
        }
      }

      @Override
      public void onPush(LoadClients.Conn c, Frame f, long nanos) {
        if (!measuring[0]) {
          return;
        }
        for (Message m : f.getPush().getMessagesList()) {
          e2e.recordValue(Math.max(0, nanos - Long.parseLong(m.getText())));
          delivered.incrementAndGet();
        }
      }
    };
    try (LoadClients clients = new LoadClients(2, at.senderPort().applyAsInt(0), listener)) {
      List<LoadClients.Conn> senders = new ArrayList<>();
      for (int i = 0; i < pairs; i++) {
        clients.connect(at.receiverPort().applyAsInt(i), run + "r" + i, "d", tokens.mint(run + "r" + i,
            Duration.ofHours(1)), true).get(30, TimeUnit.SECONDS);
        senders.add(clients.connect(at.senderPort().applyAsInt(i), run + "s" + i, "d", tokens.mint(run + "s" + i,
            Duration.ofHours(1)), true).get(30, TimeUnit.SECONDS));
      }
      for (int i = 0; i < pairs; i++) {
        LoadClients.Conn s = senders.get(i);
        s.target = run + "r" + i;
        if (rate == 0) {
          s.channel.eventLoop().execute(() -> {
            for (int k = 0; k < window; k++) {
              send(s, ids);
            }
            s.channel.flush();
          });
        } else {
          double perSenderPerTick = rate / pairs / 200.0;
          double[] owed = {0};
          s.channel.eventLoop().scheduleAtFixedRate(() -> {
            if (!running[0]) {
              return;
            }
            owed[0] += perSenderPerTick;
            while (owed[0] >= 1) {
              owed[0] -= 1;
              send(s, ids);
            }
            s.channel.flush();
          }, i % 5, 5, TimeUnit.MILLISECONDS);
        }
      }
      // Warm-up: the fresh server compiles its hot paths in the first seconds (JIT), using CPU the
      // load needs; an offered rate measured through that measures the warm-up.
      Window w = Window.measure(at.servers(), WARMUP_SECONDS, seconds, measuring);
      running[0] = false;
      double elapsed = w.seconds();
      double perSecond = acked.get() / elapsed;
      System.out.printf("%s: %d pairs, %s: %.0f messages/s stored and acknowledged (SendAck after commit), "
              + "%.0f deliveries/s; server CPU %.0f%%, load generator CPU %.0f%% (of 200%%)%n", label, pairs,
          rate == 0 ? "window " + window : String.format("offered %.0f/s", rate), perSecond, delivered.get() / elapsed,
          w.serverPercent(), w.ownPercent());
      System.out.printf("%s: end-to-end latency (send to push) p50 %.1f ms, p99 %.1f ms, max %.1f ms; "
              + "SendAck latency p50 %.1f ms, p99 %.1f ms%n", label, e2e.getValueAtPercentile(50) / 1e6,
          e2e.getValueAtPercentile(99) / 1e6, e2e.getMaxValue() / 1e6, ackLatency.getValueAtPercentile(50) / 1e6,
          ackLatency.getValueAtPercentile(99) / 1e6);
      for (ServerProcess server : at.servers()) {
        System.out.println(label + ": " + storeFigures(server));
      }
      Thread.sleep(2000);
      return new Result(perSecond, e2e.getValueAtPercentile(50) / 1e6, e2e.getValueAtPercentile(99) / 1e6,
          w.serverPercent());
    }
  }

  /** A measured window: its length, and the CPU of the server and of this process in it (% of a core). */
  record Window(double seconds, double serverPercent, double ownPercent) {
    /** Waits {@code warmup} s, then measures {@code seconds} s with {@code measuring[0]} set. */
    static Window measure(ServerProcess server, int warmup, int seconds, boolean[] measuring) throws Exception {
      return measure(List.of(server), warmup, seconds, measuring);
    }

    /** As {@link #measure(ServerProcess, int, int, boolean[])}, with the CPU of all {@code servers} together. */
    static Window measure(List<ServerProcess> servers, int warmup, int seconds, boolean[] measuring)
        throws Exception {
      Thread.sleep(warmup * 1000L);
      long cpu0 = cpuMillis(servers);
      long own0 = ownCpuNanos();
      measuring[0] = true;
      long t0 = System.nanoTime();
      Thread.sleep(seconds * 1000L);
      measuring[0] = false;
      double elapsed = (System.nanoTime() - t0) / 1e9;
      return new Window(elapsed, (cpuMillis(servers) - cpu0) / 10.0 / elapsed,
          (ownCpuNanos() - own0) / 1e7 / elapsed);
    }

    private static long cpuMillis(List<ServerProcess> servers) throws IOException {
      long sum = 0;
      for (ServerProcess s : servers) {
        sum += s.cpuMillis();
      }
      return sum;
    }

    private static long ownCpuNanos() {
      return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }
  }

  /** The store's group-commit figures from /metrics: batch size and commit time. */
  static String storeFigures(ServerProcess server) throws Exception {
    Metrics metrics = server.metrics();
    double batches = metrics.value("parley_store_batch_size_count");
    double ops = metrics.value("parley_store_batch_size_sum");
    double commitSeconds = metrics.value("parley_store_commit_seconds_sum");
    return String.format("store: %.0f batches, %.1f writes per batch on average, %.2f ms per commit on average, "
        + "commit p99 %.1f ms, max %.1f ms (last minute)", batches, ops / batches, commitSeconds * 1000 / batches,
        metrics.value("parley_store_commit_seconds{quantile=\"0.99\"}") * 1000,
        metrics.value("parley_store_commit_seconds_max") * 1000);
  }

  private static void send(LoadClients.Conn s, AtomicLong ids) {
    long now = System.nanoTime();
    s.write(Frame.newBuilder().setReq(1).setSend(Send.newBuilder()
        .setClientId(ids.incrementAndGet() + "/" + now)
        .setToUser(s.target).setKind(MessageKind.MESSAGE_KIND_TEXT).setText(Long.toString(now))).build(), false);
  }

  // -----------------------------------------------------------------------------------------------

  /** One sender to a group whose members are all online: deliveries per second. */
  static void fanout(int members, int window, int seconds) throws Exception {
    int tcp = ServerProcess.freePort();
    try (ServerProcess server = ServerProcess.start(List.of("-Xmx2g"), ServerProcess.freePort(), serverFlags(tcp))) {
      TokenService tokens = tokens();
      AtomicLong delivered = new AtomicLong();
      AtomicLong sent = new AtomicLong();
      boolean[] measuring = {false};
      boolean[] running = {true};
      Histogram e2e = new ConcurrentHistogram(TimeUnit.SECONDS.toNanos(60), 3);
      String[] conversation = new String[1];
      LoadClients.Listener listener = new LoadClients.Listener() {
        @Override
        public void onSendAck(LoadClients.Conn c, Frame f, long nanos) {
          if (measuring[0]) {
            sent.incrementAndGet();
          }
          if (running[0]) {
            sendGroup(c, conversation[0]);
          }
        }

        @Override
        public void onPush(LoadClients.Conn c, Frame f, long nanos) {
          if (measuring[0]) {
            delivered.addAndGet(f.getPush().getMessagesCount());
            Message last = f.getPush().getMessages(f.getPush().getMessagesCount() - 1);
            if (!last.getText().isEmpty() && last.getKind() == MessageKind.MESSAGE_KIND_TEXT) {
              e2e.recordValue(Math.max(0, nanos - Long.parseLong(last.getText())));
            }
          }
        }

        @Override
        public void onOther(LoadClients.Conn c, Frame f) {
          if (f.hasGroupInfo()) {
            conversation[0] = f.getGroupInfo().getConversation();
          }
        }
      };
      try (LoadClients clients = new LoadClients(2, tcp, listener)) {
        LoadClients.Conn owner = clients.connect("owner", "d", tokens.mint("owner", Duration.ofHours(1)), true)
            .get(30, TimeUnit.SECONDS);
        GroupCreate.Builder g = GroupCreate.newBuilder().setName("fanout");
        for (int i = 0; i < members; i++) {
          g.addMembers("m" + i);
        }
        List<CompletableFuture<LoadClients.Conn>> joins = new ArrayList<>();
        for (int i = 0; i < members; i++) {
          joins.add(clients.connect("m" + i, "d", tokens.mint("m" + i, Duration.ofHours(1)), true));
        }
        for (CompletableFuture<LoadClients.Conn> f : joins) {
          f.get(60, TimeUnit.SECONDS);
        }
        owner.write(Frame.newBuilder().setReq(2).setGroupCreate(g).build(), true);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (conversation[0] == null && System.nanoTime() < deadline) {
          Thread.sleep(50);
        }
        owner.channel.eventLoop().execute(() -> {
          for (int k = 0; k < window; k++) {
            sendGroup(owner, conversation[0]);
          }
          owner.channel.flush();
        });
        Window w = Window.measure(server, 5, seconds, measuring);
        running[0] = false;
        double elapsed = w.seconds();
        System.out.printf("fanout: group of %d (+ sender), window %d: %.0f messages/s sent, %.0f deliveries/s; "
                + "server CPU %.0f%% (of 200%%); end-to-end p50 %.1f ms, p99 %.1f ms%n", members, window,
            sent.get() / elapsed, delivered.get() / elapsed, w.serverPercent(),
            e2e.getValueAtPercentile(50) / 1e6, e2e.getValueAtPercentile(99) / 1e6);
      }
    }
  }

  private static void sendGroup(LoadClients.Conn s, String conversation) {
    long now = System.nanoTime();
    s.write(Frame.newBuilder().setReq(1).setSend(Send.newBuilder().setClientId("f" + now)
        .setConversation(conversation).setKind(MessageKind.MESSAGE_KIND_TEXT).setText(Long.toString(now))).build(),
        false);
    s.channel.flush();
  }
}
