package dev.parley.bench.mqtt;

import dev.parley.bench.Procs;
import dev.parley.bench.ServerProcess;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Parley and Mosquitto side by side in one run: both brokers as their own processes on ephemeral
 * loopback ports, the same load generator (its own process) against each, scenario by scenario.
 * With {@code --baseline=JAR}, a second Parley runs from that jar (an earlier build) in the same
 * run. The idle-memory part also measures a bare Netty server ({@link NettyFloor}), the floor
 * under any broker built on Netty, and, for the Java ones, the live heap per connection: the heap
 * after a full collection with the connections open, less the same once they closed ({@code jcmd
 * GC.class_histogram}, run only after the RSS reading). Prints Markdown tables.
 *
 * <pre>java -cp parley-bench/target/parley-bench.jar dev.parley.bench.mqtt.MqttCompare \
 *     [--duration=15] [--warmup=5] [--pairs=500] [--subscribers=1000] [--idle=19000] [--only=idle]
 *     [--baseline=/path/to/an-earlier/parley-bench.jar]</pre>
 */
public final class MqttCompare {
  private static final String PARLEY = "Parley";
  private static final String BASELINE = "Parley (baseline)";
  private static final String MOSQUITTO = "Mosquitto";
  private static final String FLOOR = "Netty floor";

  private final Map<String, String> opts = new LinkedHashMap<>();
  private final String java = ProcessHandle.current().info().command().orElse("java");
  private final String classpath = System.getProperty("java.class.path");

  private record Broker(String name, Process process, int port) {}

  public static void main(String[] args) throws Exception {
    MqttCompare c = new MqttCompare();
    for (String a : args) {
      int eq = a.indexOf('=');
      c.opts.put(a.substring(2, eq), a.substring(eq + 1));
    }
    c.run();
  }

  private List<Broker> startBrokers(boolean withFloor) throws Exception {
    List<Broker> brokers = new ArrayList<>();
    brokers.add(startJava(PARLEY, classpath, "dev.parley.bench.mqtt.BenchServer"));
    String baseline = opts.get("baseline");
    if (baseline != null) {
      brokers.add(startJava(BASELINE, baseline, "dev.parley.bench.mqtt.BenchServer"));
    }
    brokers.add(startMosquitto());
    if (withFloor) {
      brokers.add(startJava(FLOOR, classpath, "dev.parley.bench.mqtt.NettyFloor"));
    }
    return brokers;
  }

  private void run() throws Exception {
    String loadAtStart = loadAverage();
    System.err.println("load average at the start: " + loadAtStart);
    List<Broker> brokers = List.of();
    List<Broker> fresh = List.of();
    try {
      List<String> rows = new ArrayList<>();
      String duration = opts.getOrDefault("duration", "15");
      String warmup = opts.getOrDefault("warmup", "5");
      String pairs = opts.getOrDefault("pairs", "500");
      String subscribers = opts.getOrDefault("subscribers", "1000");
      String[][] scenarios = {
          {"pairs", "0", "--pairs=" + pairs, "--window=16"},
          {"pairs", "1", "--pairs=" + pairs, "--window=16"},
          {"fanout", "0", "--subscribers=" + subscribers, "--window=8"},
          {"fanout", "1", "--subscribers=" + subscribers, "--window=8"}};
      boolean onlyIdle = "idle".equals(opts.get("only"));
      List<String> names = new ArrayList<>();
      if (!onlyIdle) {
        brokers = startBrokers(false);
        brokers.forEach(b -> names.add(b.name()));
      }
      for (String[] s : onlyIdle ? new String[0][] : scenarios) {
        Map<String, Map<String, String>> results = new LinkedHashMap<>();
        for (Broker b : brokers) {
          List<String> args = new ArrayList<>(List.of("--scenario=" + s[0], "--qos=" + s[1], s[2], s[3],
              "--port=" + b.port(), "--duration=" + duration, "--warmup=" + warmup));
          results.put(b.name(), loadgen(args));
          System.err.println(b.name() + " " + String.join(" ", args) + " -> " + results.get(b.name()));
        }
        rows.add(row(s[0] + " (" + (s[0].equals("pairs") ? pairs + " pairs" : subscribers + " subscribers")
            + "), QoS " + s[1], results));
      }
      int idle = Integer.parseInt(opts.getOrDefault("idle", "19000"));
      // Memory is measured on brokers that carried no traffic yet: a JVM that ran the load keeps
      // its heap pages resident, which would hide the cost of the connections.
      stop(brokers);
      fresh = startBrokers(true);
      StringBuilder mem = new StringBuilder();
      for (Broker b : fresh) {
        long before = rssKiB(b.process().pid());
        long[] during = idle(b, idle);
        long after = during[0];
        String live = during[1] < 0 ? "n/a" : String.format("%.2f KiB", during[1] / 1024.0 / idle);
        mem.append(String.format("| %s | %d | %.1f MiB | %.1f MiB | %.2f KiB | %s |%n", b.name(), idle,
            before / 1024.0, after / 1024.0, (after - before) / (double) idle, live));
      }
      if (!onlyIdle) {
        System.out.println(header(names));
        rows.forEach(System.out::println);
        System.out.println();
      }
      System.out.println("| broker | idle connections | RSS before | RSS with connections | per connection "
          + "| live heap per connection |");
      System.out.println("|---|---:|---:|---:|---:|---:|");
      System.out.print(mem);
      System.out.println();
      System.out.println("load average: " + loadAtStart + " at the start, " + loadAverage() + " at the end");
    } finally {
      stop(brokers);
      stop(fresh);
    }
  }

  private static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static void stop(List<Broker> brokers) throws InterruptedException {
    for (Broker b : brokers) {
      b.process().destroy();
      b.process().waitFor(10, TimeUnit.SECONDS);
      b.process().destroyForcibly();
    }
  }

  private static String header(List<String> names) {
    StringBuilder h = new StringBuilder("| scenario |");
    StringBuilder line = new StringBuilder("|---|");
    for (String n : names) {
      h.append(' ').append(n).append(" msg/s |");
      line.append("---:|");
    }
    h.append(" Parley / Mosquitto |");
    line.append("---:|");
    for (String n : names) {
      h.append(' ').append(n).append(" p50 / p99 (µs) |");
      line.append("---:|");
    }
    return h + System.lineSeparator() + line;
  }

  private static String row(String name, Map<String, Map<String, String>> r) {
    StringBuilder b = new StringBuilder("| ").append(name).append(" |");
    for (Map<String, String> m : r.values()) {
      b.append(String.format(" %.0f |", Double.parseDouble(m.get("msgs_per_s"))));
    }
    double pr = Double.parseDouble(r.get(PARLEY).get("msgs_per_s"));
    double mr = Double.parseDouble(r.get(MOSQUITTO).get("msgs_per_s"));
    b.append(String.format(" %.2fx |", pr / mr));
    for (Map<String, String> m : r.values()) {
      b.append(' ').append(m.get("p50_us")).append(" / ").append(m.get("p99_us")).append(" |");
    }
    return b.toString();
  }

  /** Starts {@code main} (BenchServer or NettyFloor) from {@code cp}, with the same JVM flags for each. */
  private Broker startJava(String name, String cp, String main) throws Exception {
    int port = freePort();
    Process p = new ProcessBuilder(java, "-Xmx1g", "-Dio.netty.leakDetection.level=disabled",
        "-Dbench.log=" + System.getProperty("bench.log", "warn"), "-cp",
        cp, main, String.valueOf(port)).redirectErrorStream(true).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = out.readLine()) != null && !line.startsWith("READY")) {
      System.err.println(name + ": " + line);
    }
    drain(out, name);
    awaitPort(port);
    return new Broker(name, p, port);
  }

  private Broker startMosquitto() throws Exception {
    int port = freePort();
    Path dir = Files.createTempDirectory("mosquitto-bench-");
    Path conf = dir.resolve("mosquitto.conf");
    Files.writeString(conf, String.join("\n",
        "listener " + port + " 127.0.0.1",
        "allow_anonymous true",
        "max_connections -1",
        "set_tcp_nodelay true",
        "persistence false",
        "log_dest stderr",
        "log_type error",
        ""));
    Process p = new ProcessBuilder("mosquitto", "-c", conf.toString()).redirectErrorStream(true).start();
    drain(new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)), "mosquitto");
    awaitPort(port);
    return new Broker(MOSQUITTO, p, port);
  }

  /** Runs the load generator; a run that fails (a busy machine can time a connect out) is tried once more. */
  private Map<String, String> loadgen(List<String> args) throws Exception {
    try {
      return loadgenOnce(args);
    } catch (IllegalStateException e) {
      System.err.println("retrying once: " + e.getMessage());
      return loadgenOnce(args);
    }
  }

  private Map<String, String> loadgenOnce(List<String> args) throws Exception {
    return loadgen(java, classpath, args);
  }

  /** Runs {@link LoadGen} with {@code args} as a process of its own (this JVM, {@code classpath}); its RESULT line. */
  static Map<String, String> loadgen(String java, String classpath, List<String> args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(java, "-Xmx2g", "-Dio.netty.leakDetection.level=disabled", "-cp",
        classpath, "dev.parley.bench.mqtt.LoadGen"));
    cmd.addAll(args);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    Map<String, String> result = null;
    String line;
    while ((line = out.readLine()) != null) {
      if (line.startsWith("RESULT ")) {
        result = new LinkedHashMap<>();
        for (String kv : line.substring(7).split(" ")) {
          int eq = kv.indexOf('=');
          result.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
      } else {
        System.err.println("loadgen: " + line);
      }
    }
    p.waitFor(60, TimeUnit.SECONDS);
    if (result == null) {
      throw new IllegalStateException("load generator gave no result for " + args);
    }
    return result;
  }

  /**
   * Opens {@code n} idle connections to {@code b}; returns the broker's RSS (KiB) while they are
   * open, and for a JVM the bytes of live heap they held (-1 for Mosquitto).
   */
  private long[] idle(Broker b, int n) throws Exception {
    Process p = new ProcessBuilder(java, "-Xmx2g", "-cp", classpath, "dev.parley.bench.mqtt.LoadGen",
        "--scenario=idle", "--connections=" + n, "--port=" + b.port()).redirectErrorStream(true).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = out.readLine()) != null && !line.startsWith("CONNECTED")) {
      System.err.println("loadgen: " + line);
    }
    if (line == null) {
      throw new IllegalStateException("idle load generator failed against " + b.name());
    }
    // Let the broker settle (timers armed, buffers returned) before reading its memory.
    Thread.sleep(3000);
    long rss = rssKiB(b.process().pid());
    boolean jvm = !b.name().equals(MOSQUITTO);
    long withConnections = jvm ? liveHeapBytes(b) : -1;
    try (OutputStream in = p.getOutputStream()) {
      in.write("done\n".getBytes(StandardCharsets.UTF_8));
    }
    p.waitFor(60, TimeUnit.SECONDS);
    long live = -1;
    if (jvm) {
      // The connections close on the broker side once the generator's sockets are gone.
      Thread.sleep(3000);
      live = withConnections - liveHeapBytes(b);
    }
    System.err.println(b.name() + " idle " + n + ": " + line + ", RSS " + rss + " KiB, live heap " + live + " B");
    return new long[] {rss, live};
  }

  /** The live heap of a JVM broker in bytes: {@code jcmd <pid> GC.class_histogram} (a full GC first). */
  private long liveHeapBytes(Broker b) throws Exception {
    String jcmd = Path.of(java).resolveSibling("jcmd").toString();
    Process p = new ProcessBuilder(jcmd, String.valueOf(b.process().pid()), "GC.class_histogram")
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(60, TimeUnit.SECONDS);
    for (String l : out.split("\n")) {
      String t = l.trim();
      if (t.startsWith("Total")) {
        String[] f = t.split("\\s+");
        return Long.parseLong(f[2]);
      }
    }
    throw new IllegalStateException("no heap histogram from " + b.name() + ": " + out);
  }

  static long rssKiB(long pid) throws IOException {
    long kib = Procs.rssKiB(pid);
    if (kib < 0) {
      throw new IOException("no VmRSS for " + pid);
    }
    return kib;
  }

  private static void drain(BufferedReader out, String name) {
    Thread t = new Thread(() -> {
      try {
        String l;
        while ((l = out.readLine()) != null) {
          System.err.println(name + ": " + l);
        }
      } catch (IOException e) {
        // Process ended.
      }
    }, name + "-output");
    t.setDaemon(true);
    t.start();
  }

  private static int freePort() throws IOException {
    return ServerProcess.freePort();
  }

  private static void awaitPort(int port) throws InterruptedException {
    for (int i = 0; i < 200; i++) {
      try (Socket s = new Socket("127.0.0.1", port)) {
        return;
      } catch (IOException e) {
        Thread.sleep(50);
      }
    }
    throw new IllegalStateException("nothing listens on " + port);
  }
}
