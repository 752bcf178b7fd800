package dev.parley.bench.live;

import dev.parley.bench.ClusterNodes;
import dev.parley.bench.ServerProcess;
import dev.parley.core.testing.PostgresServer;
import dev.parley.core.testing.RedisServer;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Players per core, first-frame time and latency of Parley and nginx-rtmp, same publisher, same
 * players, same run. See docs/BENCHMARKS.md ("Live") for what it measures and how to run it.
 *
 * <p>Usage: {@code java -cp parley-bench.jar dev.parley.bench.live.LiveBench [--steps 100,500,1000]
 * [--measure 10] [--phases parley-rtmp,nginx-rtmp,parley-flv] [--source file.flv] [--edge]}
 *
 * <p>With {@code --edge} Parley runs as two cluster nodes (PostgreSQL and Redis started here): the
 * publisher sends to the first (the origin); the phases {@code edge-rtmp} and {@code edge-flv} put
 * the players on the second, which pulls the stream from the origin once.
 */
public final class LiveBench {
  private final List<Integer> steps;
  private final int measureSeconds;
  private final List<String> phases;
  private final Path dir;
  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory());
  private final FrameClock clock = new FrameClock();
  private BenchPublisher publisher;
  private ServerProcess parley;
  private ServerProcess nginx;
  private int parleyRtmp;
  private int parleyHttp;
  private int nginxRtmp;
  private final boolean edgeMode;
  private ServerProcess edge;
  private int edgeRtmp;
  private int edgeHttp;
  private PostgresServer postgres;
  private RedisServer redis;

  private final List<String> parleyArgs;

  private LiveBench(List<Integer> steps, int measureSeconds, List<String> phases, Path dir, List<String> parleyArgs,
      boolean edgeMode) {
    this.parleyArgs = parleyArgs;
    this.edgeMode = edgeMode;
    this.steps = steps;
    this.measureSeconds = measureSeconds;
    this.phases = phases;
    this.dir = dir;
  }

  public static void main(String[] args) throws Exception {
    List<Integer> steps = List.of(100, 250, 500, 1000, 2000, 4000);
    int measure = 10;
    List<String> phases = List.of("parley-rtmp", "nginx-rtmp", "parley-flv");
    Path source = null;
    List<String> parleyArgs = new ArrayList<>();
    boolean edgeMode = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--steps":
          steps = Arrays.stream(args[++i].split(",")).map(Integer::parseInt).toList();
          break;
        case "--measure":
          measure = Integer.parseInt(args[++i]);
          break;
        case "--phases":
          phases = List.of(args[++i].split(","));
          break;
        case "--parley":
          parleyArgs.add(args[++i]);
          break;
        case "--edge":
          edgeMode = true;
          break;
        case "--source":
          source = Path.of(args[++i]);
          break;
        default:
          throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    Path dir = Files.createTempDirectory("parley-live-bench-");
    LiveBench b = new LiveBench(steps, measure, phases, dir, parleyArgs, edgeMode);
    try {
      b.run(source != null ? source : makeSource(dir));
    } finally {
      b.close();
    }
    System.exit(0);
  }

  /** A 30 s 1280x720 25 fps H.264 (~900 kb/s, keyframe every 2 s) and AAC (96 kb/s) FLV: a 1 Mbps stream. */
  static Path makeSource(Path dir) throws Exception {
    Path out = dir.resolve("source.flv");
    Process p = new ProcessBuilder("ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin",
        "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=25", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100",
        "-t", "30", "-c:v", "libx264", "-preset", "veryfast", "-b:v", "900k", "-maxrate", "900k", "-bufsize", "900k",
        "-g", "50", "-keyint_min", "50", "-sc_threshold", "0", "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "96k",
        "-f", "flv", out.toString()).inheritIO().start();
    if (p.waitFor() != 0) {
      throw new IllegalStateException("ffmpeg could not make the source stream");
    }
    return out;
  }

  private void run(Path source) throws Exception {
    List<FlvFile.Tag> tags = FlvFile.read(source);
    long bytes = tags.stream().mapToLong(t -> t.body().length).sum();
    double seconds = tags.get(tags.size() - 1).timestamp() / 1000.0;
    out("source: %s, %d tags, %.0f kb/s over %.1f s", source, tags.size(), bytes * 8 / seconds / 1000, seconds);
    out("machine: %d cores, %s", Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));

    parleyRtmp = ServerProcess.freePort();
    parleyHttp = ServerProcess.freePort();
    nginxRtmp = ServerProcess.freePort();
    if (edgeMode) {
      startCluster();
    } else {
      parley = Servers.parley(dir, parleyHttp, parleyRtmp, "2g", parleyArgs);
    }
    out("parley options: %s", parleyArgs.isEmpty() ? "defaults" : String.join(" ", parleyArgs));
    publisher = new BenchPublisher(tags, clock);
    publisher.connect(group, EpollSocketChannel.class, "127.0.0.1", parleyRtmp, "live", "bench");
    if (phases.stream().anyMatch(p -> p.startsWith("nginx"))) {
      nginx = Servers.nginx(dir, nginxRtmp);
      publisher.connect(group, EpollSocketChannel.class, "127.0.0.1", nginxRtmp, "live", "bench");
    }
    publisher.start();
    Thread.sleep(3000);

    out("");
    out("## first frame, one new viewer at a time (10 viewers each, otherwise idle server)");
    out("| server | protocol | first video frame p50 / max (ms) | first keyframe p50 / max (ms) |");
    out("|---|---|---|---|");
    for (String phase : phases) {
      firstFrame(phase);
    }

    out("");
    out("## players per core (N players of one 1 Mbps stream)");
    out("| server | protocol | players | server CPU (cores) | CPU per player (µs/s) | players per core | frames delivered | "
        + "latency p50 / p99 (ms) | first keyframe p99 (ms) | players' CPU (cores) | keeps up |");
    out("|---|---|---|---|---|---|---|---|---|---|---|");
    for (String phase : phases) {
      for (int n : steps) {
        if (!load(phase, n)) {
          break;
        }
      }
    }
  }

  /** The origin (the publisher's node) and the edge (the players' node of the edge phases). */
  private void startCluster() throws Exception {
    postgres = new PostgresServer();
    postgres.start();
    redis = new RedisServer();
    redis.start();
    postgres.createDatabase("live");
    edgeRtmp = ServerProcess.freePort();
    edgeHttp = ServerProcess.freePort();
    parley = Servers.parley(Files.createDirectories(dir.resolve("n1")), parleyHttp, parleyRtmp, "2g", nodeFlags(1));
    edge = Servers.parley(Files.createDirectories(dir.resolve("n2")), edgeHttp, edgeRtmp, "2g", nodeFlags(2));
    out("cluster: origin and edge on PostgreSQL and Redis, both on this machine");
  }

  private List<String> nodeFlags(int i) throws Exception {
    List<String> flags = new ArrayList<>(ClusterNodes.shared(postgres, "live", redis));
    flags.addAll(List.of("--cluster.node-id=n" + i, "--mqtt.port=" + ServerProcess.freePort(),
        "--im.tcp.port=" + ServerProcess.freePort(), "--rtc.turn.udp.port=0", "--rtc.turn.tcp.port=0"));
    flags.addAll(parleyArgs);
    return flags;
  }

  private Supplier<BenchReader> reader(String phase, Recorder latency) {
    switch (phase) {
      case "parley-rtmp":
        return () -> new RtmpBenchReader(clock, latency, "live", "bench", parleyRtmp);
      case "nginx-rtmp":
        return () -> new RtmpBenchReader(clock, latency, "live", "bench", nginxRtmp);
      case "edge-rtmp":
        return () -> new RtmpBenchReader(clock, latency, "live", "bench", edgeRtmp);
      case "parley-flv":
      case "edge-flv":
        return () -> new FlvBenchReader(clock, latency, "/live/bench.flv");
      default:
        throw new IllegalArgumentException("unknown phase " + phase);
    }
  }

  private int port(String phase) {
    switch (phase) {
      case "nginx-rtmp":
        return nginxRtmp;
      case "parley-flv":
        return parleyHttp;
      case "edge-rtmp":
        return edgeRtmp;
      case "edge-flv":
        return edgeHttp;
      default:
        return parleyRtmp;
    }
  }

  private ServerProcess server(String phase) {
    return phase.startsWith("nginx") ? nginx : phase.startsWith("edge") ? edge : parley;
  }

  private BenchReader open(String phase, Supplier<BenchReader> make, List<Channel> channels) throws Exception {
    BenchReader r = make.get();
    ChannelFuture f = new Bootstrap().group(group).channel(EpollSocketChannel.class)
        .option(ChannelOption.TCP_NODELAY, true).handler((ChannelHandler) r)
        .connect("127.0.0.1", port(phase));
    channels.add(f.channel());
    return r;
  }

  private void firstFrame(String phase) throws Exception {
    Recorder latency = new Recorder(3);
    Histogram first = new Histogram(3);
    Histogram firstKey = new Histogram(3);
    for (int i = 0; i < 10; i++) {
      List<Channel> ch = new ArrayList<>();
      BenchReader r = open(phase, reader(phase, latency), ch);
      long deadline = System.nanoTime() + 10_000_000_000L;
      while ((r.firstKeyframeNanos < 0 || r.videoFrames.get() < 5) && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      first.recordValue(Math.max(0, r.firstFrameNanos) / 1000);
      firstKey.recordValue(Math.max(0, r.firstKeyframeNanos) / 1000);
      ch.get(0).close().sync();
    }
    out("| %s | %s | %.1f / %.1f | %.1f / %.1f |", name(phase), protocol(phase),
        first.getValueAtPercentile(50) / 1000.0, first.getMaxValue() / 1000.0,
        firstKey.getValueAtPercentile(50) / 1000.0, firstKey.getMaxValue() / 1000.0);
  }

  /** One load step; false when the server did not keep up. */
  private boolean load(String phase, int n) throws Exception {
    Recorder latency = new Recorder(3);
    List<Channel> channels = new ArrayList<>();
    List<BenchReader> readers = new ArrayList<>();
    Supplier<BenchReader> make = reader(phase, latency);
    for (int i = 0; i < n; i++) {
      readers.add(open(phase, make, channels));
      if (i % 100 == 99) {
        Thread.sleep(50); // let the accept queue drain
      }
    }
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (readers.stream().anyMatch(r -> r.firstKeyframeNanos < 0 && !r.closed) && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    Thread.sleep(2000);
    Histogram firstKey = new Histogram(3);
    for (BenchReader r : readers) {
      firstKey.recordValue(Math.max(0, r.firstKeyframeNanos) / 1000);
      r.measuring = true;
    }
    latency.getIntervalHistogram();
    long[] before = readers.stream().mapToLong(r -> r.videoFrames.get()).toArray();
    long sent0 = publisher.videoFramesSent.get();
    long cpu0 = server(phase).cpuTicks();
    long origin0 = parley.cpuTicks();
    long self0 = Servers.selfTicks();
    long t0 = System.nanoTime();
    Thread.sleep(measureSeconds * 1000L);
    long cpu1 = server(phase).cpuTicks();
    long origin1 = parley.cpuTicks();
    long self1 = Servers.selfTicks();
    long t1 = System.nanoTime();
    long sent = publisher.videoFramesSent.get() - sent0;
    Histogram lat = latency.getIntervalHistogram();
    double delivered = 0;
    int closed = 0;
    for (int i = 0; i < readers.size(); i++) {
      delivered += (double) (readers.get(i).videoFrames.get() - before[i]) / Math.max(1, sent);
      closed += readers.get(i).closed ? 1 : 0;
    }
    delivered /= readers.size();
    double cores = (cpu1 - cpu0) / 100.0 / ((t1 - t0) / 1e9);
    boolean keepsUp = delivered >= 0.95 && lat.getValueAtPercentile(99) <= 1_000_000 && closed == 0;
    double readerCores = (self1 - self0) / 100.0 / ((t1 - t0) / 1e9);
    String serverCores = String.format(Locale.ROOT, "%.3f", cores);
    if (phase.startsWith("edge")) {
      serverCores += String.format(Locale.ROOT, " (origin %.3f)", (origin1 - origin0) / 100.0 / ((t1 - t0) / 1e9));
    }
    out("| %s | %s | %d | %s | %.0f | %s | %.1f%% | %.1f / %.1f | %.0f | %.2f | %s |", name(phase), protocol(phase), n,
        serverCores, cores * 1e6 / n, cores > 0 ? String.format(Locale.ROOT, "%.0f", n / cores) : "-", delivered * 100,
        lat.getValueAtPercentile(50) / 1000.0, lat.getValueAtPercentile(99) / 1000.0,
        firstKey.getValueAtPercentile(99) / 1000.0, readerCores,
        keepsUp ? "yes" : "no" + (closed > 0 ? " (" + closed + " closed)" : ""));
    for (Channel c : channels) {
      c.close();
    }
    for (Channel c : channels) {
      c.closeFuture().await(5000);
    }
    Thread.sleep(2000);
    return keepsUp;
  }

  private String name(String phase) {
    if (phase.startsWith("nginx")) {
      return "nginx-rtmp";
    }
    return !edgeMode ? "Parley" : phase.startsWith("edge") ? "Parley edge" : "Parley origin";
  }

  private static String protocol(String phase) {
    return phase.endsWith("flv") ? "HTTP-FLV" : "RTMP";
  }

  private static void out(String fmt, Object... args) {
    System.out.println(String.format(Locale.ROOT, fmt, args));
    System.out.flush();
  }

  private void close() throws InterruptedException {
    if (publisher != null) {
      publisher.close();
    }
    for (ServerProcess p : new ServerProcess[] {edge, parley, nginx}) {
      if (p != null) {
        p.close();
      }
    }
    if (redis != null) {
      redis.close();
    }
    if (postgres != null) {
      postgres.close();
    }
    group.shutdownGracefully();
  }
}
