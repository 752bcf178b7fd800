package dev.parley.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A server under test in its own process (own heap, own file limit): Parley, from the runnable jar
 * or from this JVM's class path (the benchmark jar holds the server), or a peer the benchmark runs
 * side by side (coturn, nginx-rtmp). It waits for the server to be ready, reads its CPU time and
 * memory from /proc, Parley's {@link Metrics} and its log, and stops it.
 */
public final class ServerProcess implements AutoCloseable {
  /** The most a server may take to come up. */
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
  /** The process's heap line of jcmd GC.heap_info. G1: "garbage-first heap   total 262144K, used 12345K". */
  private static final Pattern HEAP_USED = Pattern.compile("total \\d+K, used (\\d+)K");

  private final String name;
  private final Process process;
  private final Path log;
  private final int httpPort;
  /** A directory of the process's own, deleted with it; null when the caller owns the directory. */
  private final Path scratch;

  private ServerProcess(String name, Process process, Path log, int httpPort, Path scratch) {
    this.name = name;
    this.process = process;
    this.log = log;
    this.httpPort = httpPort;
    this.scratch = scratch;
  }

  /**
   * Starts {@code java <jvmArgs> -jar parley-server/target/parley.jar start <flags>} (another jar with
   * {@code -Dparley.jar}) on a fresh data directory, deleted on {@link #close()}, and waits until
   * {@code /healthz} answers.
   */
  public static ServerProcess start(List<String> jvmArgs, int httpPort, List<String> flags) throws Exception {
    Path jar = Path.of(System.getProperty("parley.jar", "parley-server/target/parley.jar"));
    if (!Files.exists(jar)) {
      throw new IllegalStateException(jar + " is missing: run ./parley build first");
    }
    Path dir = Files.createTempDirectory("parley-bench-");
    List<String> cmd = new ArrayList<>();
    cmd.add(java());
    cmd.addAll(jvmArgs);
    cmd.add("-jar");
    cmd.add(jar.toAbsolutePath().toString());
    cmd.add("start");
    cmd.add("--data.dir=" + dir.resolve("data"));
    cmd.add("--http.port=" + httpPort);
    cmd.addAll(flags);
    ServerProcess sp = launch("parley", cmd, dir.resolve("server.log"), httpPort, dir);
    try {
      sp.awaitHealthy();
    } catch (IllegalStateException notHealthy) {
      sp.close();
      throw notHealthy;
    }
    return sp;
  }

  /**
   * Starts Parley from this JVM's class path with its data in {@code dir/parley-data} and its output
   * in {@code dir/parley.log}; returns once the process runs (wait with {@link #awaitHealthy()} or
   * {@link #awaitPort}).
   */
  public static ServerProcess parley(Path dir, List<String> jvmArgs, int httpPort, List<String> flags)
      throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(java());
    cmd.addAll(jvmArgs);
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.parley.server.cli.ParleyCommand", "start",
        "--data.dir=" + dir.resolve("parley-data"), "--http.port=" + httpPort));
    cmd.addAll(flags);
    return launch("parley", cmd, dir.resolve("parley.log"), httpPort, null);
  }

  /** Starts a peer server ({@code name}, for messages) with {@code command}, its output in {@code log}. */
  public static ServerProcess peer(String name, List<String> command, Path log) throws IOException {
    return launch(name, command, log, -1, null);
  }

  private static ServerProcess launch(String name, List<String> cmd, Path log, int httpPort, Path scratch)
      throws IOException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    return new ServerProcess(name, p, log, httpPort, scratch);
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** Waits until Parley's {@code /healthz} answers 200 (60 s at most). */
  public void awaitHealthy() throws IOException, InterruptedException {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(name + " exited: " + log());
      }
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/healthz"))
            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // starting
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException(name + " did not become healthy in " + READY_TIMEOUT.toSeconds() + " s");
  }

  /** Waits until something accepts TCP connections on {@code port} of loopback (60 s at most). */
  public void awaitPort(int port) throws InterruptedException {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(name + " exited with " + process.exitValue());
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 500);
        return;
      } catch (IOException e) {
        Thread.sleep(200);
      }
    }
    throw new IllegalStateException("nothing listens on " + port);
  }

  public String name() {
    return name;
  }

  public long pid() {
    return process.pid();
  }

  /** Parley's HTTP port; -1 for a peer. */
  public int httpPort() {
    return httpPort;
  }

  public boolean alive() {
    return process.isAlive();
  }

  /** One scrape of Parley's {@code /metrics}. */
  public Metrics metrics() throws IOException, InterruptedException {
    return Metrics.scrape(httpPort);
  }

  /** CPU time (user + system, all threads) of the process and its children (nginx's workers), in clock ticks of 10 ms. */
  public long cpuTicks() throws IOException {
    long ticks = Procs.cpuTicks(pid());
    for (ProcessHandle child : process.descendants().toList()) {
      try {
        ticks += Procs.cpuTicks(child.pid());
      } catch (IOException | RuntimeException gone) {
        // a worker that exited meanwhile
      }
    }
    return ticks;
  }

  /** CPU time of the process (and its children), in milliseconds. */
  public long cpuMillis() throws IOException {
    return cpuTicks() * 10;
  }

  /** CPU time of the process (and its children), in seconds. */
  public double cpuSeconds() throws IOException {
    return cpuTicks() / 100.0;
  }

  /** Resident set size in bytes. */
  public long rssBytes() throws IOException {
    long kib = Procs.rssKiB(pid());
    return kib < 0 ? -1 : kib * 1024;
  }

  /** Heap in use right after a full GC, in bytes (via jcmd). */
  public long heapAfterGc() throws Exception {
    jcmd("GC.run");
    String info = jcmd("GC.heap_info");
    Matcher m = HEAP_USED.matcher(info);
    if (m.find()) {
      return Long.parseLong(m.group(1)) * 1024;
    }
    throw new IllegalStateException("cannot read heap use from: " + info);
  }

  private String jcmd(String command) throws Exception {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    Process p = new ProcessBuilder(jcmd.toString(), String.valueOf(pid()), command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    p.waitFor(60, TimeUnit.SECONDS);
    return out;
  }

  /** Everything the process wrote. */
  public String log() throws IOException {
    return Files.exists(log) ? Files.readString(log) : "";
  }

  /** The last {@code n} lines the process wrote. */
  public String logTail(int n) throws IOException {
    List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - n), lines.size()));
  }

  /** Kills the process at once (SIGKILL): no GoAway, no flush, sockets closed by the kernel. */
  public void kill() throws InterruptedException {
    process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
  }

  /** Stops the process gracefully (SIGTERM: GoAway to every client, flush, exit) and waits for it. */
  public void stop() throws InterruptedException {
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** Stops the process (as {@link #stop()}) and deletes its own data directory, if it has one. */
  @Override
  public void close() throws InterruptedException {
    stop();
    if (scratch != null) {
      try (Stream<Path> walk = Files.walk(scratch)) {
        walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** A free TCP port on loopback. */
  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** A free UDP port on loopback. */
  public static int freeUdpPort() throws IOException {
    try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      return s.getLocalPort();
    }
  }

  /** A port p where UDP and TCP p and p+1 are free (coturn listens on both, and on p+1 for RFC 5780). */
  public static int freePortPair() throws IOException {
    for (int attempt = 0; attempt < 100; attempt++) {
      int p = freeUdpPort();
      if (p < 65535 && free(p) && free(p + 1)) {
        return p;
      }
    }
    throw new IOException("no free port pair found");
  }

  private static boolean free(int port) {
    try (DatagramSocket u = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        ServerSocket t = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
